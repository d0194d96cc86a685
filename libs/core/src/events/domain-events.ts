import { Injectable, Logger } from '@nestjs/common';
import { EventEmitter } from 'node:events';
import type { DomainEventMap, DomainEventName } from '@idm/contracts';

type Listener<K extends DomainEventName> = (payload: DomainEventMap[K]) => void | Promise<void>;

/**
 * The in-process bus for typed domain events. Listeners run synchronously in emit order; a failing
 * listener (or a rejected async one) is logged and never breaks the emitter: a poller must not stop
 * because an alarm listener threw.
 */
@Injectable()
export class DomainEvents {
  private readonly emitter = new EventEmitter();
  private readonly logger = new Logger('DomainEvents');

  constructor() {
    this.emitter.setMaxListeners(100);
  }

  emit<K extends DomainEventName>(name: K, payload: DomainEventMap[K]): void {
    this.emitter.emit(name, payload);
  }

  on<K extends DomainEventName>(name: K, listener: Listener<K>): () => void {
    const wrapped = (payload: DomainEventMap[K]) => {
      try {
        const r = listener(payload);
        if (r instanceof Promise) r.catch((err: unknown) => this.logger.error(`listener of ${name} failed: ${String(err)}`));
      } catch (err) {
        this.logger.error(`listener of ${name} failed: ${String(err)}`);
      }
    };
    this.emitter.on(name, wrapped);
    return () => this.emitter.off(name, wrapped);
  }
}
