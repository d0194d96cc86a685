import type { INestApplication } from '@nestjs/common';
import type { NextFunction, Request, Response } from 'express';
import type { ErrorResponse } from '@idm/contracts';

interface RouteLayer {
  match(path: string): unknown;
  route?: { path: string; methods: Record<string, boolean>; _handlesMethod(method: string): boolean };
}

/**
 * Answers 405 with `Allow` for a method a known path does not take (`PUT /devices/plc-1`), where Express
 * would fall through to "404 Cannot PUT": the path exists, only the method is wrong. Looks at the routes
 * Express holds at request time, so it sees every route Nest registers after this middleware; OPTIONS is
 * left alone (CORS preflight). Unknown paths still get 404.
 */
export function useMethodNotAllowed(app: INestApplication): void {
  const express = app.getHttpAdapter().getInstance() as { router: { stack: RouteLayer[] } };
  app.use((req: Request, res: Response, next: NextFunction) => {
    if (req.method === 'OPTIONS') return next();
    const allowed = new Set<string>();
    for (const layer of express.router.stack) {
      // Nest binds middleware for every path as routes taking every method (`/{*path}`): not endpoints.
      if (!layer.route || layer.route.methods._all || layer.route.path === '/{*path}' || !layer.match(req.path)) continue;
      if (layer.route._handlesMethod(req.method)) return next();
      for (const m of Object.keys(layer.route.methods)) allowed.add(m.toUpperCase());
    }
    if (!allowed.size) return next();
    if (allowed.has('GET')) allowed.add('HEAD');
    const allow = [...allowed].sort().join(', ');
    res.setHeader('Allow', allow);
    const body: ErrorResponse = { statusCode: 405, error: 'Method Not Allowed', message: `${req.method} is not allowed on ${req.path} (allowed: ${allow})` };
    res.status(405).json(body);
  });
}
