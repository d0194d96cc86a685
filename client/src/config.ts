/**
 * The client's settings, read once from Vite's build-time environment and validated at start: a bad value
 * stops the app with one line naming the variable (main.tsx shows it) instead of failing later.
 */
export interface ClientConfig {
  /** Where the REST API and Socket.IO live; '' means the server that served this page. */
  apiBaseUrl: string;
  /** Live data older than this is shown as stale. */
  staleAfterMs: number;
  /** Fastest pace at which the server may push one sensor's samples. */
  sampleIntervalMs: number;
}

export class ConfigError extends Error {}

type Env = Record<string, string | boolean | undefined>;

function num(env: Env, name: string, fallback: number, min: number, max: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw);
  if (!Number.isFinite(n) || n < min || n > max) {
    throw new ConfigError(`${name} must be a number between ${min} and ${max} (got "${String(raw)}")`);
  }
  return n;
}

export function loadConfig(env: Env): ClientConfig {
  const base = String(env.VITE_API_BASE_URL ?? '').trim();
  if (base && !/^https?:\/\/[^\s/]+(\/\S*)?$/.test(base)) {
    throw new ConfigError(`VITE_API_BASE_URL must be an http(s) URL or empty (got "${base}")`);
  }
  return {
    apiBaseUrl: base.replace(/\/$/, ''),
    staleAfterMs: num(env, 'VITE_STALE_AFTER_MS', 10_000, 1_000, 600_000),
    sampleIntervalMs: num(env, 'VITE_SAMPLE_INTERVAL_MS', 500, 50, 60_000),
  };
}

let current: ClientConfig | null = null;

/** The validated configuration; `initConfig` must have run (main.tsx does it before rendering). */
export function config(): ClientConfig {
  current ??= loadConfig(import.meta.env as Env);
  return current;
}

export function initConfig(env: Env = import.meta.env as Env): ClientConfig {
  current = loadConfig(env);
  return current;
}
