import 'reflect-metadata';
import { Logger } from 'nestjs-pino';
import { armShutdownDeadline, ConfigError, loadConfig } from '@idm/core';
import { createApp } from './create-app';

async function main(): Promise<void> {
  let config;
  try {
    config = loadConfig(process.env);
  } catch (err) {
    if (err instanceof ConfigError) {
      // One line that names the variable: the operator fixes it without reading a stack trace.
      process.stderr.write(`IDM cannot start: ${err.message}\n`);
      process.exit(78); // EX_CONFIG
    }
    throw err;
  }
  // Armed before the app exists: a signal during a start that waits for the database is bounded too.
  // stderr, not the logger: its buffered output would be lost by the exit that follows.
  armShutdownDeadline(config.shutdownTimeoutMs, (signal) =>
    process.stderr.write(`IDM: shutdown after ${signal} did not finish within SHUTDOWN_TIMEOUT_MS=${config.shutdownTimeoutMs}: exiting now (accepted samples are in the journal)\n`),
  );
  const app = await createApp(config);
  const logger = app.get(Logger);
  if (config.jwt.generated) {
    logger.warn('JWT_SECRET is not set: using a random secret for this process (sessions end at restart). Set it for real use.');
  }
  await app.listen(config.port, config.host);
  logger.log(`IDM listening on http://${config.host === '0.0.0.0' ? 'localhost' : config.host}:${config.port} (${config.nodeEnv}); API docs at /docs`);
}

main().catch((err: unknown) => {
  process.stderr.write(`IDM failed to start: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
