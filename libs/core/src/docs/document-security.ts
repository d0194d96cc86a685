import type { OpenAPIObject } from '@nestjs/swagger';
import { ROLES } from '@idm/contracts';
import type { Role } from '@idm/contracts';
import { PUBLIC_EXTENSION } from '../security/public.decorator';
import { ROLES_EXTENSION } from '../security/roles.decorator';

export const BEARER_SCHEME = 'access-token';

const METHODS = ['get', 'put', 'post', 'delete', 'patch', 'options', 'head', 'trace'] as const;

/**
 * Documents what the global auth guard enforces, from the `Public()` / `Roles()` decorators, so no route
 * can forget it: every non-public operation gets the bearer requirement, a 401 response and, when it has
 * roles, the minimum role in its description and a 403 response. Mutates and returns `document`.
 */
export function documentSecurity(document: OpenAPIObject): OpenAPIObject {
  for (const item of Object.values(document.paths ?? {})) {
    for (const method of METHODS) {
      const op = (item as Record<string, any>)[method];
      if (!op) continue;
      if (op[PUBLIC_EXTENSION]) {
        op.security = [];
        continue;
      }
      op.security = [{ [BEARER_SCHEME]: [] }];
      op.responses ??= {};
      op.responses['401'] ??= { description: 'no valid access token (missing, expired, tampered, or the user is disabled)' };
      const roles = (op[ROLES_EXTENSION] ?? []) as Role[];
      const minimum = roles.length ? ROLES[Math.max(...roles.map((r) => ROLES.indexOf(r)))] : null;
      const requirement = minimum
        ? `Requires the \`${minimum}\` role${minimum === 'admin' ? '' : ' or higher'}.`
        : 'Requires a signed-in user (any role).';
      op.description = op.description ? `${op.description}\n\n${requirement}` : requirement;
      if (minimum) {
        op['x-idm-min-role'] = minimum;
        op.responses['403'] ??= { description: `the user's role is below \`${minimum}\`` };
      }
    }
  }
  return document;
}
