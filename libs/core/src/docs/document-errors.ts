import type { OpenAPIObject } from '@nestjs/swagger';
import { PLANT_WRITE_EXTENSION } from '../security/plant-write';
import { PUBLIC_EXTENSION } from '../security/public.decorator';

const METHODS = ['get', 'put', 'post', 'delete', 'patch', 'options', 'head', 'trace'] as const;

/**
 * Documents the error answers the global machinery gives on any route, so each operation lists every status
 * it can answer (a schema fuzzer checks that): 400 (validation pipe and query parameter check), 404 for a
 * path naming something, 409 from `@PlantWrite()` on a screens-only instance and 503 when the user behind a
 * token cannot be checked. Routes document their own further answers; these never replace them.
 * Mutates and returns `document`.
 */
export function documentErrors(document: OpenAPIObject): OpenAPIObject {
  for (const [path, item] of Object.entries(document.paths ?? {})) {
    for (const method of METHODS) {
      const op = (item as Record<string, any>)[method];
      if (!op) continue;
      op.responses ??= {};
      op.responses['400'] ??= { description: 'invalid request: a path, query or body field breaks a rule (the message and `details` name it), or an undeclared query parameter' };
      if (path.includes('{')) op.responses['404'] ??= { description: 'not found: nothing has this id' };
      if (op[PLANT_WRITE_EXTENSION] && method !== 'get' && method !== 'head') {
        op.responses['409'] ??= { description: 'this instance serves screens only (IDM_ROLE=screens): send it to the writer instance' };
        op.responses['503'] ??= {
          description: 'this instance is a standby (IDM_ROLE=auto), or a service is unreachable. On a standby: retry after `Retry-After` seconds (a takeover), or at the writer, whose address is in the `X-IDM-Writer-Url` header and the message',
          headers: { 'Retry-After': { schema: { type: 'integer' }, description: 'seconds' }, 'X-IDM-Writer-Url': { schema: { type: 'string' }, description: "the writer's IDM_ADVERTISE_URL, when it advertises one" } },
        };
      }
      if (!op[PUBLIC_EXTENSION]) op.responses['503'] ??= { description: 'a service is unreachable: the user database (for an account not checked in the last 15 minutes), or one this operation needs' };
    }
  }
  return document;
}
