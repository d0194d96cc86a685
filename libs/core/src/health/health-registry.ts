import { Injectable } from '@nestjs/common';
import type { ComponentHealth } from '@idm/contracts';

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
      [...this.checks].map(async ([name, check]) => [name, await withTimeout(check(), timeoutMs)] as const),
    );
    return Object.fromEntries(entries);
  }
}

async function withTimeout(p: Promise<ComponentHealth>, ms: number): Promise<ComponentHealth> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<ComponentHealth>((resolve) => {
    timer = setTimeout(() => resolve({ status: 'down', message: `no answer within ${ms} ms` }), ms);
  });
  try {
    return await Promise.race([
      p.catch((err: unknown) => ({ status: 'down' as const, message: err instanceof Error ? err.message : String(err) })),
      timeout,
    ]);
  } finally {
    clearTimeout(timer);
  }
}
