import { format } from 'node:util';
import { setDebugLogger, setErrorLogger, setWarningLogger } from 'node-opcua';

export interface OpcuaLogSink {
  warn(message: string): void;
  debug(message: string): void;
}

/** What node-opcua hands its loggers first: the file and line the message comes from. */
interface CallerContext {
  filename?: string;
  callerline?: number;
}

/**
 * Routes node-opcua's own logging (console.log by default, with colours) to IDM's logger. Its "errors" are
 * mostly recoverable connection trouble and its warnings come in bursts of several lines per failed connect
 * (e.g. a dump of an untrusted certificate chain at every retry), while IDM logs every connection failure
 * itself with its reason: so node-opcua errors go to warn and its warnings and debug lines to debug.
 * Process-wide (node-opcua's loggers are global); the last call wins.
 */
export function routeOpcuaLogs(sink: OpcuaLogSink): void {
  const line = (ctx: unknown, args: unknown[]) => {
    const c = (ctx ?? {}) as CallerContext;
    return `${c.filename ?? 'node-opcua'}:${c.callerline ?? '?'} ${format(...args)}`;
  };
  setErrorLogger((ctx?: unknown, ...args: unknown[]) => sink.warn(line(ctx, args)));
  for (const set of [setWarningLogger, setDebugLogger]) set((ctx?: unknown, ...args: unknown[]) => sink.debug(line(ctx, args)));
}
