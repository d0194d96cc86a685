/* A stand-in for a socket.io-client socket: the test plays the server. */
type Handler = (...args: unknown[]) => void;

export class FakeSocket {
  connected = false;
  active = true;
  readonly sent: Array<{ event: string; payload: unknown }> = [];
  private handlers = new Map<string, Handler[]>();

  on(event: string, h: Handler): this {
    this.handlers.set(event, [...(this.handlers.get(event) ?? []), h]);
    return this;
  }

  emit(event: string, payload: unknown, ack?: (res: unknown) => void): this {
    this.sent.push({ event, payload });
    ack?.({ ok: true });
    return this;
  }

  connect(): this {
    this.connected = true;
    this.fire('connect');
    return this;
  }

  disconnect(): this {
    this.connected = false;
    this.fire('disconnect', 'io client disconnect');
    return this;
  }

  /** The server emits `event` to this client. */
  fire(event: string, ...args: unknown[]): void {
    for (const h of this.handlers.get(event) ?? []) h(...args);
  }

  sentOf(event: string): unknown[] {
    return this.sent.filter((s) => s.event === event).map((s) => s.payload);
  }
}
