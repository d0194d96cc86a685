import { jwtDecode } from 'jwt-decode';
import type { Role, TokenResponse } from '@idm/contracts';

/** What the client reads from an access token (the server re-checks roles on every call). */
export interface SessionUser {
  id: string;
  username: string;
  roles: Role[];
}

interface Claims {
  sub?: string;
  username?: string;
  roles?: Role[];
  exp?: number;
}

export interface Session {
  accessToken: string;
  refreshToken: string;
  user: SessionUser;
  /** Epoch ms the access token expires. */
  expiresAt: number;
}

/**
 * The refresh token is single use and rotated on every refresh, and reuse ends the whole session. Two
 * tabs sharing it through localStorage would race and log each other out, so each tab keeps its own
 * session in sessionStorage (it survives a reload, not a new tab).
 */
const KEY = 'idm.session';

type Listener = (s: Session | null) => void;
const listeners = new Set<Listener>();
let session: Session | null = read();

function read(): Session | null {
  try {
    const raw = globalThis.sessionStorage?.getItem(KEY);
    return raw ? (JSON.parse(raw) as Session) : null;
  } catch {
    return null;
  }
}

export function userFromToken(token: string): SessionUser {
  const c = jwtDecode<Claims>(token);
  return { id: c.sub ?? '', username: c.username ?? '', roles: Array.isArray(c.roles) ? c.roles : [] };
}

export function sessionFromTokens(t: Pick<TokenResponse, 'access_token' | 'refresh_token' | 'expires_in'>): Session {
  let expiresAt = Date.now() + t.expires_in * 1000;
  try {
    const exp = jwtDecode<Claims>(t.access_token).exp;
    if (exp) expiresAt = exp * 1000;
  } catch {
    /* an opaque token: trust expires_in */
  }
  return { accessToken: t.access_token, refreshToken: t.refresh_token, user: userFromToken(t.access_token), expiresAt };
}

export function getSession(): Session | null {
  return session;
}

export function setSession(next: Session | null): void {
  session = next;
  try {
    if (next) globalThis.sessionStorage?.setItem(KEY, JSON.stringify(next));
    else globalThis.sessionStorage?.removeItem(KEY);
  } catch {
    /* private mode: keep it in memory */
  }
  listeners.forEach((l) => l(next));
}

export function onSessionChange(l: Listener): () => void {
  listeners.add(l);
  return () => listeners.delete(l);
}
