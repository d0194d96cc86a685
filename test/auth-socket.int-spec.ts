import type { AddressInfo } from 'node:net';
import { Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { JwtService } from '@nestjs/jwt';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { ConnectedSocket, SubscribeMessage, WebSocketGateway } from '@nestjs/websockets';
import type { Socket as ServerSocket } from 'socket.io';
import { io, Socket } from 'socket.io-client';
import { AuthModule } from '@idm/auth';
import { AuthUser, CoreModule, createValidationPipe, HttpExceptionFilter, loadConfig, Roles, useJsonBody } from '@idm/core';
import { startTestApp, TestApp, dropDatabase } from './support/app';
import { clearLoginThrottle, login, registerAndLogin } from './support/auth';
import { mongoUriFor, serviceEnv } from './support/services';

const SECRET = 'test-secret-test-secret-test-secret-0123';

function connect(url: string, token?: string): Socket {
  return io(url, { auth: token === undefined ? {} : { token }, transports: ['websocket'], reconnection: false, forceNew: true });
}

/** Resolves with the first of: connected (and the `session` event), or the connect_error. */
function outcome(socket: Socket): Promise<{ connected: boolean; session?: any; error?: { message: string; data?: any } }> {
  return new Promise((resolve) => {
    socket.once('session', (session) => resolve({ connected: true, session }));
    socket.once('connect_error', (err: Error & { data?: unknown }) => resolve({ connected: false, error: { message: err.message, data: err.data } }));
  });
}

function once<T = any>(socket: Socket, event: string, timeoutMs = 5000): Promise<T> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no ${event} within ${timeoutMs} ms`)), timeoutMs);
    socket.once(event, (payload: T) => {
      clearTimeout(timer);
      resolve(payload);
    });
  });
}

describe('auth: Socket.IO connections need a valid access token', () => {
  let t: TestApp;
  let admin: Awaited<ReturnType<typeof login>>;
  let viewer: Awaited<ReturnType<typeof login>>;
  const sockets: Socket[] = [];
  const open = (token?: string) => {
    const s = connect(t.url, token);
    sockets.push(s);
    return s;
  };

  beforeAll(async () => {
    await clearLoginThrottle('idm_test_auth_socket');
    t = await startTestApp('idm_test_auth_socket');
    admin = await registerAndLogin(t.url, { username: 'sam.admin' });
    viewer = await registerAndLogin(t.url, { username: 'vera', roles: ['viewer'] }, admin.access_token);
  });
  afterAll(async () => {
    sockets.forEach((s) => s.close());
    await t?.close();
  });

  it('refuses a connection without a token, with a bad one, and with an expired one', async () => {
    const none = await outcome(open());
    expect(none.connected).toBe(false);
    expect(none.error?.message).toMatch(/^authentication required/);
    expect(none.error?.data).toMatchObject({ statusCode: 401, error: 'Unauthorized' });

    const bad = await outcome(open('not-a-jwt'));
    expect(bad).toMatchObject({ connected: false, error: { message: 'access token is invalid' } });

    const expired = new JwtService({ secret: SECRET }).sign({ sub: admin.user.id, username: 'sam.admin', roles: ['admin'], tv: 0, sid: 'x' }, { expiresIn: -5 });
    const late = await outcome(open(expired));
    expect(late.connected).toBe(false);
    expect(late.error?.message).toMatch(/expired/);
  });

  it('connects with a valid token and tells the client who it is', async () => {
    const s = open(viewer.access_token);
    const r = await outcome(s);
    expect(r.connected).toBe(true);
    expect(r.session).toEqual({ user: { id: viewer.user.id, username: 'vera', roles: ['viewer'] } });
    const ack = await s.timeout(5000).emitWithAck('session:whoami');
    expect(ack.user.username).toBe('vera');
  });

  it('follows role changes on open sockets and disconnects a user who is disabled', async () => {
    const s = open(viewer.access_token);
    expect((await outcome(s)).connected).toBe(true);
    const patch = await fetch(`${t.url}/users/${viewer.user.id}/roles`, {
      method: 'PATCH',
      headers: { authorization: `Bearer ${admin.access_token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ roles: ['operator'] }),
    });
    expect(patch.status).toBe(200);
    expect((await s.timeout(5000).emitWithAck('session:whoami')).user.roles).toEqual(['operator']);

    const gone = once<string>(s, 'disconnect');
    const res = await fetch(`${t.url}/users/${viewer.user.id}/disable`, { method: 'POST', headers: { authorization: `Bearer ${admin.access_token}` } });
    expect(res.status).toBe(200);
    expect(await gone).toBe('io server disconnect');
    const again = await outcome(open(viewer.access_token));
    expect(again).toMatchObject({ connected: false, error: { message: 'account is disabled' } });
  });

  it('closes a connection when its access token expires; the same token is then refused', async () => {
    const shortLived = new JwtService({ secret: SECRET }).sign({ sub: admin.user.id, username: 'sam.admin', roles: ['admin'], tv: 0, sid: 'x' }, { expiresIn: 3 });
    const s = open(shortLived);
    expect((await outcome(s)).connected).toBe(true);
    const connectedAt = Date.now();
    expect(await once<string>(s, 'disconnect', 8000)).toBe('io server disconnect');
    expect(Date.now() - connectedAt).toBeGreaterThan(1000); // at expiry, not at once
    const again = await outcome(open(shortLived));
    expect(again.connected).toBe(false);
    expect(again.error?.message).toMatch(/expired/);
  });
});

// A gateway as another feature would write one: its own namespace, role-checked handlers.
@WebSocketGateway({ namespace: '/probe' })
class ProbeGateway {
  @SubscribeMessage('probe:any')
  any(@ConnectedSocket() socket: ServerSocket): { user: string } {
    return { user: (socket.data.user as AuthUser).username };
  }

  @Roles('operator')
  @SubscribeMessage('probe:operate')
  operate(): { ok: true } {
    return { ok: true };
  }
}

@Module({ providers: [ProbeGateway] })
class ProbeModule {}

describe('auth: gateways in other namespaces and role-checked socket events', () => {
  const db = 'idm_test_auth_probe';
  let app: NestExpressApplication;
  let url: string;
  const sockets: Socket[] = [];

  beforeAll(async () => {
    await clearLoginThrottle(db);
    await dropDatabase(mongoUriFor(db));
    const config = loadConfig({ NODE_ENV: 'test', LOG_LEVEL: 'warn', MONGO_URI: mongoUriFor(db), REDIS_URL: serviceEnv().REDIS_URL, JWT_SECRET: SECRET });
    @Module({ imports: [CoreModule.forRoot(config), AuthModule, ProbeModule] })
    class ProbeAppModule {}
    app = await NestFactory.create<NestExpressApplication>(ProbeAppModule, { bodyParser: false, logger: false });
    app.useGlobalPipes(createValidationPipe());
    app.useGlobalFilters(new HttpExceptionFilter());
    useJsonBody(app, '1mb');
    await app.listen(0, '127.0.0.1');
    url = `http://127.0.0.1:${(app.getHttpServer().address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    sockets.forEach((s) => s.close());
    await app?.close();
  });

  const open = (token?: string) => {
    const s = connect(`${url}/probe`, token);
    sockets.push(s);
    return s;
  };
  const connected = (s: Socket) =>
    new Promise<{ ok: boolean; message?: string }>((resolve) => {
      s.once('connect', () => resolve({ ok: true }));
      s.once('connect_error', (e) => resolve({ ok: false, message: e.message }));
    });

  it('protects a namespace the feature did not protect itself', async () => {
    expect(await connected(open())).toEqual({ ok: false, message: expect.stringMatching(/^authentication required/) });
    expect(await connected(open('bogus'))).toEqual({ ok: false, message: 'access token is invalid' });
  });

  it('runs handlers for any signed-in user and refuses a role below the minimum', async () => {
    const adminTokens = await registerAndLogin(url, { username: 'pat.admin' });
    const viewer = await registerAndLogin(url, { username: 'val', roles: ['viewer'] }, adminTokens.access_token);
    const operator = await registerAndLogin(url, { username: 'otto', roles: ['operator'] }, adminTokens.access_token);

    const v = open(viewer.access_token);
    expect(await connected(v)).toEqual({ ok: true });
    expect(await v.timeout(5000).emitWithAck('probe:any')).toEqual({ user: 'val' });
    const refused = once(v, 'exception');
    v.emit('probe:operate', {});
    expect(await refused).toEqual({ statusCode: 403, error: 'Forbidden', message: 'this needs the operator role or higher; you are viewer' });

    const o = open(operator.access_token);
    expect(await connected(o)).toEqual({ ok: true });
    expect(await o.timeout(5000).emitWithAck('probe:operate', {})).toEqual({ ok: true });
  });
});
