import { Injectable } from '@nestjs/common';
import { GUARDS_METADATA } from '@nestjs/common/constants';
import { DiscoveryService, Reflector } from '@nestjs/core';
import { GATEWAY_METADATA } from '@nestjs/websockets/constants';
import { WsAuthGuard } from '../guards/ws-auth.guard';

/**
 * Deny-by-default for socket events: Nest applies APP_GUARDs to REST routes only, so at start-up (before
 * gateways are bound, which happens in `app.init()`) this adds a `WsAuthGuard` to every gateway class
 * in the application. Feature gateways then only write `@Roles()` on their handlers, as on controllers.
 */
@Injectable()
export class WsGuardInstaller {
  readonly gateways: string[] = [];

  constructor(discovery: DiscoveryService, reflector: Reflector) {
    // An instance, not the class: guards named by class are resolved from injectables registered while
    // scanning, which has already happened.
    const guard = new WsAuthGuard(reflector);
    for (const wrapper of discovery.getProviders()) {
      const type = wrapper.metatype as (new (...args: never[]) => unknown) | null;
      if (!type || typeof type !== 'function' || !Reflect.getMetadata(GATEWAY_METADATA, type)) continue;
      const guards: unknown[] = Reflect.getMetadata(GUARDS_METADATA, type) ?? [];
      if (!guards.some((g) => g instanceof WsAuthGuard || g === WsAuthGuard)) {
        Reflect.defineMetadata(GUARDS_METADATA, [guard, ...guards], type);
      }
      this.gateways.push(type.name);
    }
  }
}
