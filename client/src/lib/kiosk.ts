/**
 * Kiosk mode for wall screens: open `/?kiosk=1` (or `/#/overview?kiosk=1`) once signed in, or sign in there;
 * the screen shows the overview full screen with the alarm banner and connection state, without the
 * navigation, user and sign-out chrome. It stays on for the tab (a reload keeps it) until `?kiosk=0`.
 */
const KEY = 'idm.kiosk';
let kiosk = false;

function flagIn(search: string): string | null {
  return new URLSearchParams(search).get('kiosk');
}

/** Reads `kiosk=1|0` from the address (before or after the `#`) and remembers it for the tab. */
export function startKioskMode(loc: Pick<Location, 'search' | 'hash'> = globalThis.location): boolean {
  const hashQuery = loc.hash.includes('?') ? loc.hash.slice(loc.hash.indexOf('?')) : '';
  const flag = flagIn(loc.search) ?? flagIn(hashQuery);
  try {
    if (flag !== null) globalThis.sessionStorage?.setItem(KEY, flag === '1' || flag === 'true' ? '1' : '0');
    kiosk = globalThis.sessionStorage?.getItem(KEY) === '1';
  } catch {
    kiosk = flag === '1' || flag === 'true';
  }
  globalThis.document?.documentElement.classList.toggle('kiosk', kiosk);
  return kiosk;
}

export function isKiosk(): boolean {
  return kiosk;
}
