import { Injectable } from '@nestjs/common';
import type { ComponentHealth } from '@idm/contracts';
import { withTimeout } from '../async/with-timeout';

export type HealthCheck = () => Promise<ComponentHealth>;

/**
 * Components (database, Redis, later the ingestion journal) register a check here; `/health` runs them all.
 * A component that is `down` makes IDM unhealthy (503); `degraded` keeps it up (200) but says so.
 */
@Injectable()
export class HealthRegistry {
  private readonly checks = new Map<string, HealthCheck>();

  register(name: string, check: HealthCheck): void {
    this.checks.set(name, check);
  }

  async run(timeoutMs = 2000): Promise<Record<string, ComponentHealth>> {
    const entries = await Promise.all(
      [...this.checks].map(async ([name, check]) => [name, await withTimeout(check(), timeoutMs).catch((err: unknown): ComponentHealth => ({ status: 'down', message: err instanceof Error ? err.message : String(err) }))] as const),
    );
    return Object.fromEntries(entries);
  }
}
