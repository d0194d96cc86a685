import { Injectable } from '@nestjs/common';
import type { ComponentHealth } from '@idm/contracts';
import { withTimeout } from '../async/with-timeout';

export type HealthCheck = () => Promise<ComponentHealth>;

/**
 * Components (database, Redis, later the ingestion journal) register a check here; `/health` runs them all.
 * A component that is `down` makes IDM unhealthy (503); `degraded` keeps it up (200) but says so. A component
 * registered with `essential: false` (the database: IDM journals, polls and alarms without it) is reported
 * `down` itself but only degrades IDM.
 */
@Injectable()
export class HealthRegistry {
  private readonly checks = new Map<string, HealthCheck>();
  private readonly inessential = new Set<string>();

  register(name: string, check: HealthCheck, options: { essential?: boolean } = {}): void {
    this.checks.set(name, check);
    if (options.essential === false) this.inessential.add(name);
    else this.inessential.delete(name);
  }

  /** Whether IDM is down (503) when this component is down. */
  isEssential(name: string): boolean {
    return !this.inessential.has(name);
  }

  async run(timeoutMs = 2000): Promise<Record<string, ComponentHealth>> {
    const entries = await Promise.all(
      [...this.checks].map(async ([name, check]) => [name, await withTimeout(check(), timeoutMs).catch((err: unknown): ComponentHealth => ({ status: 'down', message: err instanceof Error ? err.message : String(err) }))] as const),
    );
    return Object.fromEntries(entries);
  }
}
