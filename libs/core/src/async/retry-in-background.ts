import type { Logger } from '@nestjs/common';

/**
 * Runs start-up work that needs an outside service (the database, Redis) without making start-up depend on
 * it: waits up to `waitMs` for it, then lets it finish in the background, retrying every 5 s (for up to an
 * hour) after a failure: a service that is away or blinking must not stop IDM from starting. The returned
 * `done` settles when the work has succeeded (or has given up).
 */
export async function retryInBackground(name: string, logger: Logger, fn: () => Promise<void>, waitMs = 5000, service = 'Redis'): Promise<{ done: Promise<void> }> {
  const done = (async () => {
    for (let attempt = 1; ; attempt++) {
      try {
        await fn();
        if (attempt > 1) logger.log(`${name} done`);
        return;
      } catch (err) {
        if (attempt >= 720) return logger.error(`${name} gave up: ${String(err)}`);
        // Once per outage, not every 5 s.
        if (attempt === 1) logger.warn(`${name} failed, retrying every 5 s: ${String(err)}`);
        await new Promise((r) => setTimeout(r, 5000).unref());
      }
    }
  })();
  const timer = new Promise<'timeout'>((r) => setTimeout(() => r('timeout'), waitMs).unref());
  if ((await Promise.race([done.then(() => 'done' as const), timer])) === 'timeout') {
    logger.warn(`${name} is waiting for ${service}; IDM starts and finishes it in the background`);
  }
  return { done };
}
