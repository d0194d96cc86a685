import { applyDecorators, CanActivate, ConflictException, ExecutionContext, Injectable, SetMetadata } from '@nestjs/common';
import { ApiExtension } from '@nestjs/swagger';
import { Reflector } from '@nestjs/core';
import type { Request, Response } from 'express';
import { WriterRole } from '../cluster/writer-role';
import { AppConfig } from '../config/app-config';
import { RetryLaterException } from '../errors/retry-later.exception';

export const PLANT_WRITE_KEY = 'idm:plantWrite';
/** OpenAPI extension on `@PlantWrite()` operations, so the document lists the 409 of a screens-only instance. */
export const PLANT_WRITE_EXTENSION = 'x-idm-plant-write';

export const SCREENS_ONLY_MESSAGE =
  'this IDM instance serves screens only (IDM_ROLE=screens): send samples and alarm actions to the writer instance';

/** Response header naming the writer's address (IDM_ADVERTISE_URL) on a standby's 503. */
export const WRITER_URL_HEADER = 'X-IDM-Writer-Url';

/** Which requests of a marked route write plant data: by default every one but GET/HEAD/OPTIONS. */
export type PlantWriteWhen = (req: Request) => boolean;

const notARead: PlantWriteWhen = (req) => !['GET', 'HEAD', 'OPTIONS'].includes(req.method);

/**
 * Marks a route (or every non-GET route of a controller) as writing plant data (samples, alarm actions, the
 * device/tag registry, detector state): only the writer instance takes it; with IDM_ROLE=screens it answers 409,
 * on a standby (IDM_ROLE=auto) 503 with Retry-After and the writer's address (X-IDM-Writer-Url).
 */
export const PlantWrite = (when: PlantWriteWhen = notARead): MethodDecorator & ClassDecorator =>
  applyDecorators(SetMetadata(PLANT_WRITE_KEY, when), ApiExtension(PLANT_WRITE_EXTENSION, true)) as MethodDecorator & ClassDecorator;

/** Global guard (registered by AuthModule, after AuthGuard): refuses `@PlantWrite()` requests on a screens-only instance. */
@Injectable()
export class PlantWriteGuard implements CanActivate {
  constructor(
    private readonly config: AppConfig,
    private readonly reflector: Reflector,
    private readonly role: WriterRole,
  ) {}

  canActivate(ctx: ExecutionContext): boolean {
    if (this.config.role === 'all' || ctx.getType() !== 'http' || this.role.isWriter) return true;
    const when = this.reflector.getAllAndOverride<PlantWriteWhen | undefined>(PLANT_WRITE_KEY, [ctx.getHandler(), ctx.getClass()]);
    if (!when || !when(ctx.switchToHttp().getRequest<Request>())) return true;
    if (this.config.role === 'screens') throw new ConflictException({ message: SCREENS_ONLY_MESSAGE });
    // IDM_ROLE=auto, a standby: the client retries, here after a takeover or at the writer's address.
    const writer = this.role.writerInfo();
    if (writer?.url) ctx.switchToHttp().getResponse<Response>().setHeader(WRITER_URL_HEADER, writer.url);
    const where = writer ? `the writer is ${writer.instance_id}${writer.url ? ` at ${writer.url}` : ''}` : 'no writer is elected yet';
    throw new RetryLaterException(`this IDM instance is a standby (IDM_ROLE=auto): ${where}; send samples and alarm actions there`, Math.max(1, Math.ceil(this.config.cluster.lease.leaseMs / 1000)));
  }
}
