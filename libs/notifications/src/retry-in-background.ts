import type { Logger } from '@nestjs/common';

/**
 * Runs start-up work that needs Redis without making start-up depend on it: waits up to `waitMs` for it,
 * then lets it finish in the background, retrying every 5 s (for up to an hour) after a failure: Redis
 * blinking must not stop IDM from starting.
 */
export async function retryInBackground(name: string, logger: Logger, fn: () => Promise<void>, waitMs = 5000): Promise<void> {
  const run = (async () => {
    for (let attempt = 1; ; attempt++) {
      try {
        await fn();
        return;
      } catch (err) {
        if (attempt >= 720) return logger.error(`${name} gave up: ${String(err)}`);
        logger.warn(`${name} failed, retrying in 5 s: ${String(err)}`);
        await new Promise((r) => setTimeout(r, 5000).unref());
      }
    }
  })();
  const timer = new Promise<'timeout'>((r) => setTimeout(() => r('timeout'), waitMs).unref());
  if ((await Promise.race([run.then(() => 'done' as const), timer])) === 'timeout') {
    logger.warn(`${name} is waiting for Redis; IDM starts and finishes it in the background`);
  }
}
