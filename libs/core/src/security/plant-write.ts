import { applyDecorators, CanActivate, ConflictException, ExecutionContext, Injectable, SetMetadata } from '@nestjs/common';
import { ApiExtension } from '@nestjs/swagger';
import { Reflector } from '@nestjs/core';
import type { Request } from 'express';
import { AppConfig } from '../config/app-config';

export const PLANT_WRITE_KEY = 'idm:plantWrite';
/** OpenAPI extension on `@PlantWrite()` operations, so the document lists the 409 of a screens-only instance. */
export const PLANT_WRITE_EXTENSION = 'x-idm-plant-write';

export const SCREENS_ONLY_MESSAGE =
  'this IDM instance serves screens only (IDM_ROLE=screens): send samples and alarm actions to the writer instance';

/** Which requests of a marked route write plant data: by default every one but GET/HEAD/OPTIONS. */
export type PlantWriteWhen = (req: Request) => boolean;

const notARead: PlantWriteWhen = (req) => !['GET', 'HEAD', 'OPTIONS'].includes(req.method);

/**
 * Marks a route (or every non-GET route of a controller) as writing plant data (samples, alarm actions, the
 * device/tag registry, detector state): only the writer instance takes it; with IDM_ROLE=screens it answers 409.
 */
export const PlantWrite = (when: PlantWriteWhen = notARead): MethodDecorator & ClassDecorator =>
  applyDecorators(SetMetadata(PLANT_WRITE_KEY, when), ApiExtension(PLANT_WRITE_EXTENSION, true)) as MethodDecorator & ClassDecorator;

/** Global guard (registered by AuthModule, after AuthGuard): refuses `@PlantWrite()` requests on a screens-only instance. */
@Injectable()
export class PlantWriteGuard implements CanActivate {
  constructor(
    private readonly config: AppConfig,
    private readonly reflector: Reflector,
  ) {}

  canActivate(ctx: ExecutionContext): boolean {
    if (this.config.role !== 'screens' || ctx.getType() !== 'http') return true;
    const when = this.reflector.getAllAndOverride<PlantWriteWhen | undefined>(PLANT_WRITE_KEY, [ctx.getHandler(), ctx.getClass()]);
    if (when && when(ctx.switchToHttp().getRequest<Request>())) throw new ConflictException({ message: SCREENS_ONLY_MESSAGE });
    return true;
  }
}
