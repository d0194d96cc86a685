import { BadRequestException, CallHandler, ExecutionContext, Injectable, NestInterceptor } from '@nestjs/common';
import { ROUTE_ARGS_METADATA } from '@nestjs/common/constants';
import { getMetadataStorage } from 'class-validator';
import type { Request } from 'express';
import type { Observable } from 'rxjs';

/** Nest's RouteParamtypes.QUERY (the enum is not exported from @nestjs/common's index). */
const QUERY_PARAM = 4;
/** Where `@ApiQuery()` keeps its parameters (@nestjs/swagger's DECORATORS.API_PARAMETERS, not exported). */
const API_PARAMETERS = 'swagger/apiParameters';

/**
 * Refuses query parameters a route does not declare, and repeated ones, with a 400 naming the parameter.
 * A route reading `@Query('device_id')` otherwise ignored `?device_id[$ne]=x` (Express' simple parser keeps
 * the key as written) and answered every tag as if no filter was given; `?device_id=a&device_id=b` (an
 * array) was dropped the same way. Routes whose query is one class-validator DTO are left to the
 * validation pipe, which already refuses unknown fields; for the others, the declared parameters are the
 * named `@Query('x')` arguments and the `@ApiQuery()` documentation.
 */
@Injectable()
export class QueryParamsInterceptor implements NestInterceptor {
  private readonly declared = new WeakMap<object, Set<string> | null>();

  intercept(ctx: ExecutionContext, next: CallHandler): Observable<unknown> {
    if (ctx.getType() !== 'http') return next.handle();
    const allowed = this.declaredOf(ctx.getClass(), ctx.getHandler());
    if (allowed) {
      const query = ctx.switchToHttp().getRequest<Request>().query ?? {};
      for (const [name, value] of Object.entries(query)) {
        if (!allowed.has(name)) {
          const known = allowed.size ? ` (known: ${[...allowed].join(', ')})` : ' (this route takes none)';
          refuse(name, 'whitelistValidation', `${name} is not an allowed query parameter${known}`);
        }
        if (typeof value !== 'string') refuse(name, 'isString', `${name} must be given once, as a plain value`);
      }
    }
    return next.handle();
  }

  /** The query parameters a handler declares, or null when a DTO validates its whole query. */
  private declaredOf(controller: Function, handler: Function): Set<string> | null {
    if (this.declared.has(handler)) return this.declared.get(handler) as Set<string> | null;
    const args = (Reflect.getMetadata(ROUTE_ARGS_METADATA, controller, handler.name) ?? {}) as Record<string, { index: number; data?: unknown }>;
    const types = (Reflect.getMetadata('design:paramtypes', controller.prototype, handler.name) ?? []) as unknown[];
    const documented = (Reflect.getMetadata(API_PARAMETERS, handler) ?? []) as { in?: string; name?: string }[];
    const names = new Set(documented.filter((p) => p.in === 'query' && p.name).map((p) => String(p.name)));
    let dto = false;
    for (const [key, arg] of Object.entries(args)) {
      if (Number(key.split(':')[0]) !== QUERY_PARAM) continue;
      if (typeof arg.data === 'string') names.add(arg.data);
      else if (isDto(types[arg.index])) dto = true;
    }
    const result = dto ? null : names;
    this.declared.set(handler, result);
    return result;
  }
}

function isDto(type: unknown): boolean {
  return typeof type === 'function' && type !== Object && getMetadataStorage().getTargetValidationMetadatas(type, '', true, false).length > 0;
}

function refuse(field: string, rule: string, message: string): never {
  throw new BadRequestException({ message, details: [{ field, rule, message }] });
}
