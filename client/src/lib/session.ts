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
 * The refresh token is single use and rotated on every refresh, and reuse ends the whole session. The tabs of
 * one browser share one session: each keeps it in sessionStorage (it survives a reload) and the latest one is
 * also in localStorage, whose `storage` event hands every renewal and the sign-out to the other tabs at once.
 * Renewing happens under a Web Lock (see `withRenewLock`), so one tab renews at a time and the others take the
 * rotated pair (handed over through IndexedDB) instead of spending the old refresh token again. The shared copy lives only while a tab of
 * the session is open: every tab holds a shared Web Lock, and a tab that finds none held (the browser was
 * closed) forgets the copy instead of adopting it. Without Web Locks (an insecure http:// origin) tabs do
 * not share: each signs in on its own, as before.
 */
const KEY = 'idm.session';
const SHARED_KEY = 'idm.session.shared';
const TABS_LOCK = 'idm.tabs';
const RENEW_LOCK = 'idm.session.renew';

type Listener = (s: Session | null) => void;
const listeners = new Set<Listener>();
let session: Session | null = read();

function parse(raw: string | null | undefined): Session | null {
  try {
    return raw ? (JSON.parse(raw) as Session) : null;
  } catch {
    return null;
  }
}

function read(): Session | null {
  try {
    return parse(globalThis.sessionStorage?.getItem(KEY));
  } catch {
    return null;
  }
}

/** Whether this browser can share the session between tabs safely (Web Locks need a secure context). */
function canShare(): boolean {
  try {
    return typeof navigator !== 'undefined' && !!navigator.locks && typeof globalThis.localStorage !== 'undefined';
  } catch {
    return false;
  }
}
let sharing = false;

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

/** Takes a session (or the end of it) in this tab only. */
function adopt(next: Session | null): void {
  session = next;
  try {
    if (next) globalThis.sessionStorage?.setItem(KEY, JSON.stringify(next));
    else globalThis.sessionStorage?.removeItem(KEY);
  } catch {
    /* private mode: keep it in memory */
  }
  listeners.forEach((l) => l(next));
}

/** Signs in, renews or signs out: this tab and, when sharing, every other tab of the browser. */
export function setSession(next: Session | null): void {
  if (sharing) {
    try {
      if (next) localStorage.setItem(SHARED_KEY, JSON.stringify(next));
      else localStorage.removeItem(SHARED_KEY);
    } catch {
      /* storage full or refused: this tab still works */
    }
    if (!next) void forgetRenewed().catch(() => undefined);
  }
  adopt(next);
}

export function onSessionChange(l: Listener): () => void {
  listeners.add(l);
  return () => listeners.delete(l);
}

/**
 * Joins the browser's shared session (call once before the first render): a new tab opens signed in when
 * another tab of the browser is signed in, a reloaded tab takes a renewal it missed, and a copy left from a
 * closed browser is forgotten.
 */
export async function startSessionSharing(): Promise<void> {
  if (sharing || !canShare()) return;
  try {
    const held = await navigator.locks.query();
    const othersOpen = (held.held ?? []).some((l) => l.name === TABS_LOCK);
    // Held for this tab's life: tells tabs opened later that the shared session is alive.
    void navigator.locks.request(TABS_LOCK, { mode: 'shared' }, () => new Promise<void>(() => undefined));
    sharing = true;
    const shared = parse(localStorage.getItem(SHARED_KEY));
    if (!othersOpen) {
      // No other tab open: this tab's own session (a reload) is the one; a copy without it is left over.
      if (session) localStorage.setItem(SHARED_KEY, JSON.stringify(session));
      else localStorage.removeItem(SHARED_KEY);
      void forgetRenewed().catch(() => undefined);
    } else if (shared?.refreshToken !== session?.refreshToken) {
      // Another tab signed in, renewed or signed out since this tab last looked.
      adopt(shared);
    }
    globalThis.addEventListener('storage', (e) => {
      if (e.key === SHARED_KEY || e.key === null) adopt(parse(localStorage.getItem(SHARED_KEY)));
    });
  } catch {
    sharing = false;
  }
}

/**
 * The last renewed session, kept in IndexedDB for the renew lock: unlike localStorage, whose copy in another
 * tab's process may lag a write by a moment, a committed IndexedDB write is what every tab reads next.
 */
const DB_NAME = 'idm-session';
const STORE = 'kv';

function openDb(): Promise<IDBDatabase> {
  return new Promise((resolve, reject) => {
    const req = indexedDB.open(DB_NAME, 1);
    req.onupgradeneeded = () => req.result.createObjectStore(STORE);
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => reject(req.error);
  });
}

async function renewed(write?: Session): Promise<Session | null> {
  const db = await openDb();
  try {
    return await new Promise<Session | null>((resolve, reject) => {
      const tx = db.transaction(STORE, write ? 'readwrite' : 'readonly');
      const store = tx.objectStore(STORE);
      let value: Session | null = write ?? null;
      if (write) store.put(write, 'session');
      else {
        const req = store.get('session');
        req.onsuccess = () => (value = (req.result as Session | undefined) ?? null);
      }
      tx.oncomplete = () => resolve(value);
      tx.onerror = () => reject(tx.error);
    });
  } finally {
    db.close();
  }
}

/** Drops the renewed copy (signed out, or left over from a closed browser). */
async function forgetRenewed(): Promise<void> {
  const db = await openDb();
  try {
    await new Promise<void>((resolve, reject) => {
      const tx = db.transaction(STORE, 'readwrite');
      tx.objectStore(STORE).delete('session');
      tx.oncomplete = () => resolve();
      tx.onerror = () => reject(tx.error);
    });
  } finally {
    db.close();
  }
}

/**
 * Runs a renewal with the browser-wide renew lock (one tab at a time). `fn` gets the session as it is once
 * the lock is held, with a newer one that another tab renewed meanwhile adopted: `fn` then uses that
 * rotated pair instead of spending the old refresh token. The renewed session is committed before the lock
 * is released, so the next tab to hold it sees it.
 */
export async function withRenewLock<T>(fn: (latest: Session | null) => Promise<T>): Promise<T> {
  if (!sharing) return fn(session);
  return navigator.locks.request(RENEW_LOCK, async () => {
    const latest = await renewed().catch(() => null);
    // Only a newer pair: a tab that signed in since has not necessarily written here yet.
    if (latest && session && latest.refreshToken !== session.refreshToken && latest.expiresAt >= session.expiresAt) adopt(latest);
    const before = session?.refreshToken;
    try {
      return await fn(session);
    } finally {
      if (session && session.refreshToken !== before) await renewed(session).catch(() => null);
    }
  });
}
