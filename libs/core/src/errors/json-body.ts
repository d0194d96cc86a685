import type { INestApplication } from '@nestjs/common';
import express, { NextFunction, Request, Response } from 'express';
import type { ErrorResponse } from '@idm/contracts';

const EMPTY = Symbol('idm.emptyBody');

/**
 * JSON body parsing with IDM's error shape. Nest's own parser turns a malformed body into a bare
 * BadRequestException with the JSON engine's message; this one says plainly what is wrong.
 */
export function useJsonBody(app: INestApplication, limit: string): void {
  // An empty body parses as `{}`; the validation pipe must see it as no body at all (a bare POST is refused).
  app.use(express.json({ limit, verify: (req, _res, buf) => { if (!buf.length) (req as Request & { [EMPTY]?: boolean })[EMPTY] = true; } }));
  app.use((req: Request & { [EMPTY]?: boolean }, _res: Response, next: NextFunction) => {
    if (req[EMPTY]) req.body = undefined;
    next();
  });
  app.use((err: { type?: string; status?: number; message?: string }, _req: Request, res: Response, next: NextFunction) => {
    if (!err || typeof err.status !== 'number') return next(err);
    const message =
      err.type === 'entity.parse.failed' ? 'body is not valid JSON'
      : err.type === 'entity.too.large' ? `body is larger than ${limit}`
      : err.type === 'encoding.unsupported' || err.type === 'charset.unsupported' ? String(err.message)
      : 'body could not be read';
    const body: ErrorResponse = { statusCode: err.status, error: err.status === 413 ? 'Payload Too Large' : err.status === 415 ? 'Unsupported Media Type' : 'Bad Request', message };
    res.status(err.status).json(body);
  });
}
