import * as fs from 'node:fs';
import * as path from 'node:path';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { Logger } from 'nestjs-pino';
import { AppConfig, createValidationPipe, HttpExceptionFilter, QueryParamsInterceptor, REDIS_OPTIONS, RedisIoAdapter, setupOpenApi, useJsonBody, useMethodNotAllowed } from '@idm/core';
import { AppModule } from './app.module';
import { version } from '../../../package.json';

/** Builds the configured (not yet listening) IDM application; used by main.ts and the tests. */
export async function createApp(config: AppConfig): Promise<NestExpressApplication> {
  const app = await NestFactory.create<NestExpressApplication>(AppModule.register(config), {
    bufferLogs: true,
    abortOnError: false,
    bodyParser: false, // useJsonBody below answers malformed bodies in IDM's error shape
  });
  app.useLogger(app.get(Logger));
  app.useGlobalPipes(createValidationPipe());
  app.useGlobalFilters(new HttpExceptionFilter());
  app.useGlobalInterceptors(new QueryParamsInterceptor());
  app.enableShutdownHooks();
  if (config.socketRedisAdapter) app.useWebSocketAdapter(new RedisIoAdapter(app, app.get(REDIS_OPTIONS), `idm-socket.io:${config.databaseName}`));
  // Only named proxies may say who the client is: trusting any loopback peer let a local client pick its address.
  app.set('trust proxy', config.trustProxy.length ? config.trustProxy : false);
  useMethodNotAllowed(app);
  useJsonBody(app, '10mb');
  if (config.corsOrigins.length) app.enableCors({ origin: config.corsOrigins, credentials: true });
  setupOpenApi(app, version);

  if (config.clientDist) {
    const index = path.join(config.clientDist, 'index.html');
    if (fs.existsSync(index)) {
      // The client uses hash routes, so `/` and its assets are all that is served; API paths stay API paths.
      // No redirect of a folder to its trailing slash: the build's `assets/` folder would turn the API's `GET /assets` into a 301.
      app.useStaticAssets(config.clientDist, { index: 'index.html', maxAge: '1h', redirect: false });
    } else {
      app.get(Logger).warn(`client build not found at ${config.clientDist}; run \`npm run build\` to serve the control-room screen`);
    }
  }
  return app;
}
