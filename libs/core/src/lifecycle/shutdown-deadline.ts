const SIGNALS = ['SIGTERM', 'SIGINT'] as const;

/**
 * Bounds a signalled shutdown. Nest's shutdown hooks close each module in turn, and with the database or
 * Redis gone some of those closes (a last write, a queue worker, a connection) wait minutes for a server
 * that does not answer. After `timeoutMs` the process exits anyway (code 143, as killed by SIGTERM): what
 * was acknowledged is already in the fsync'd journal, and `process.on('exit')` listeners still run.
 */
export function armShutdownDeadline(timeoutMs: number, onExpired: (signal: string) => void): void {
  const arm = (signal: string) => {
    setTimeout(() => {
      onExpired(signal);
      process.exit(143);
    }, timeoutMs).unref();
  };
  for (const signal of SIGNALS) process.once(signal, arm);
}
