import axios, { AxiosError, AxiosHeaders, type AxiosAdapter, type InternalAxiosRequestConfig } from 'axios';
import { api } from '../lib/api';

export interface FakeRequest {
  method: string;
  url: string;
  auth: string | null;
  body: unknown;
  /** Query parameters given to axios as `params`. */
  params?: Record<string, unknown>;
}

/** An answer; `headers` are response headers by lower-case name (`retry-after`). */
type FakeResponse = { status: number; data?: unknown; headers?: Record<string, string> };
type Handler = (req: FakeRequest) => FakeResponse | Promise<FakeResponse>;

/** Answers every axios call of the client (the shared instance and bare axios) from `handler`. */
export function fakeApi(handler: Handler): FakeRequest[] {
  const seen: FakeRequest[] = [];
  const adapter: AxiosAdapter = async (config: InternalAxiosRequestConfig) => {
    const headers = AxiosHeaders.from(config.headers);
    const req: FakeRequest = {
      method: (config.method ?? 'get').toUpperCase(),
      url: `${config.baseURL ?? ''}${config.url ?? ''}`.replace(/^https?:\/\/[^/]+/, ''),
      auth: (headers.get('Authorization') as string | null) ?? null,
      body: typeof config.data === 'string' ? JSON.parse(config.data) : config.data,
      ...(config.params ? { params: config.params as Record<string, unknown> } : {}),
    };
    seen.push(req);
    const { status, data, headers: resHeaders = {} } = await handler(req);
    const response = { data, status, statusText: String(status), headers: resHeaders, config, request: {} };
    if (status >= 400) throw new AxiosError(`Request failed with status code ${status}`, String(status), config, {}, response);
    return response;
  };
  api.defaults.adapter = adapter;
  axios.defaults.adapter = adapter;
  return seen;
}

/** A JWT-shaped token (unsigned: the client only decodes it) for a user with these roles. */
export function fakeToken(username: string, roles: string[], expInSeconds = 900, salt = ''): string {
  const b64 = (o: unknown) => btoa(JSON.stringify(o)).replace(/=+$/, '').replace(/\+/g, '-').replace(/\//g, '_');
  return `${b64({ alg: 'HS256', typ: 'JWT' })}.${b64({ sub: `id-${username}`, username, roles, exp: Math.floor(Date.now() / 1000) + expInSeconds, salt })}.sig`;
}
