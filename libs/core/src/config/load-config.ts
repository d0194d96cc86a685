import { randomBytes } from 'node:crypto';
import { isIP } from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import * as Joi from 'joi';
import { leaseTiming, LeaseTiming } from '../cluster/engine/writer-lease';
import { AppConfig } from './app-config';
import { ConfigError } from './config-error';

/** The placeholder in .env.example; production refuses to start with it. */
export const EXAMPLE_JWT_SECRET = 'change-me-to-a-long-random-secret';

type Env = Record<string, string | undefined>;

const mongoUri = Joi.string()
  .uri({ scheme: ['mongodb', 'mongodb+srv'] })
  .messages({ 'string.uriCustomScheme': 'must be a mongodb:// or mongodb+srv:// URI', 'string.uri': 'must be a mongodb:// or mongodb+srv:// URI' });
const redisUrl = Joi.string()
  .uri({ scheme: ['redis', 'rediss'] })
  .messages({ 'string.uriCustomScheme': 'must be a redis:// or rediss:// URL', 'string.uri': 'must be a redis:// or rediss:// URL' });

/** Express' named address ranges, usable in TRUST_PROXY next to addresses and subnets. */
const PROXY_RANGES = ['loopback', 'linklocal', 'uniquelocal'];

/** TRUST_PROXY: off (empty, `false`, `off`) or a comma-separated list of proxy addresses, subnets and named ranges. */
function parseTrustProxy(text: string): string[] {
  const items = text.split(',').map((s) => s.trim()).filter(Boolean);
  if (items.length === 1 && ['false', 'off', 'no', '0'].includes(items[0].toLowerCase())) return [];
  for (const item of items) {
    const [addr, bits, extra] = item.split('/');
    const family = isIP(addr);
    const okBits = bits === undefined || (/^\d+$/.test(bits) && Number(bits) <= (family === 6 ? 128 : 32));
    if (!PROXY_RANGES.includes(item) && (!family || !okBits || extra !== undefined)) {
      throw new Error(`"${item}" is not an IP address, a subnet (10.0.0.0/8) or one of ${PROXY_RANGES.join(', ')}`);
    }
  }
  return items;
}

const trustProxy = Joi.string()
  .allow('')
  .default('')
  .custom((value: string) => parseTrustProxy(value))
  .messages({ 'any.custom': 'must be off, or a comma-separated list of proxy addresses, subnets or loopback/linklocal/uniquelocal: {{#error.message}}' });

const schema = Joi.object({
  NODE_ENV: Joi.string().valid('development', 'production', 'test').default('development'),
  HOST: Joi.string().default('0.0.0.0'),
  PORT: Joi.number().integer().min(0).max(65535).default(3000),
  LOG_LEVEL: Joi.string().valid('fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent').default('info'),
  MONGO_URI: mongoUri.required(),
  REDIS_URL: redisUrl.required(),
  JWT_SECRET: Joi.string().min(32).messages({ 'string.min': 'must be at least 32 characters long' }),
  METRICS_TOKEN: Joi.string().min(24).messages({ 'string.min': 'must be at least 24 characters long (a random scrape token, e.g. `openssl rand -hex 16`)' }),
  JWT_ACCESS_TTL_SECONDS: Joi.number().integer().min(30).max(86400).default(900),
  JWT_REFRESH_TTL_SECONDS: Joi.number().integer().min(300).default(7 * 86400),
  AUTH_REGISTRATION: Joi.string().valid('open', 'closed').default('open'),
  AUTH_LOGIN_MAX_ATTEMPTS: Joi.number().integer().min(1).default(10),
  AUTH_LOGIN_MAX_ATTEMPTS_PER_IP: Joi.number().integer().min(1).default(100),
  AUTH_LOGIN_WINDOW_SECONDS: Joi.number().integer().min(1).max(86400).default(900),
  TRUST_PROXY: trustProxy,
  SMTP_HOST: Joi.string().hostname().default('127.0.0.1'),
  SMTP_PORT: Joi.number().integer().min(1).max(65535).default(1025),
  SMTP_SECURE: Joi.boolean().truthy('1').falsy('0').default(false),
  SMTP_USER: Joi.string().allow(''),
  SMTP_PASS: Joi.string().allow(''),
  SMTP_FROM: Joi.string().default('IDM <idm@localhost>'),
  CLIENT_DIST: Joi.string().allow(''),
  DATA_DIR: Joi.string().default('.data'),
  // Names in IDM's OPC UA certificate (a subject component ends at `/` or `=`; the application URI's parts at `:`).
  OPCUA_APPLICATION_NAME: Joi.string().trim().max(40).pattern(/^[^/=:]+$/).default('IDM'),
  OPCUA_ORGANIZATION: Joi.string().trim().max(64).pattern(/^[^/=]+$/).default('IDM'),
  CORS_ORIGINS: Joi.string().allow('').default(''),
  ALARM_ON_DELAY_MS: Joi.number().integer().min(0).max(3_600_000).default(0),
  ALARM_OFF_DELAY_MS: Joi.number().integer().min(0).max(3_600_000).default(10_000),
  ALARM_FLOOD_THRESHOLD: Joi.number().integer().min(1).default(10),
  ALARM_AUDIT_RETENTION_DAYS: Joi.number().integer().min(1).max(36_500).default(400),
  DETECTION_SNAPSHOT_SECONDS: Joi.number().integer().min(1).max(86_400).default(60),
  DETECTION_EPISODE_REFRESH_SECONDS: Joi.number().integer().min(1).max(3600).default(10),
  SOCKET_REDIS_ADAPTER: Joi.boolean().truthy('1').falsy('0').default(false),
  DEVICE_FILE: Joi.string().allow(''),
  SCREENS_DIR: Joi.string().allow(''),
  MODBUS_POLLING: Joi.boolean().truthy('1').falsy('0').default(true),
  MODBUS_REPLAN_RETRY_MS: Joi.number().integer().min(1000).max(86_400_000).default(60_000),
  IDM_ROLE: Joi.string().valid('all', 'screens', 'auto').default('all'),
  IDM_LEASE_MS: Joi.number().integer().min(1000).max(60_000).default(3000),
  IDM_LEASE_RENEW_MS: Joi.number().integer().min(50),
  IDM_INSTANCE_ID: Joi.string().pattern(/^[A-Za-z0-9_.:-]{1,100}$/).messages({ 'string.pattern.base': 'must be 1-100 letters, digits, _ . : -' }),
  IDM_ADVERTISE_URL: Joi.string().uri({ scheme: ['http', 'https'] }).messages({ 'string.uriCustomScheme': 'must be an http:// or https:// URL', 'string.uri': 'must be an http:// or https:// URL' }),
  QUEUE_PREFIX: Joi.string().pattern(/^[A-Za-z0-9_.-]+$/).default('idm').messages({ 'string.pattern.base': 'must contain only letters, digits, _ . -' }),
  REPORT_RETENTION_SECONDS: Joi.number().integer().min(1).default(7 * 86400),
  REPORT_CLEANUP_EVERY_SECONDS: Joi.number().integer().min(1).default(600),
  NOTIFY_CRITICAL_GROUP_SECONDS: Joi.number().integer().min(1).max(86400).default(60),
  MAIL_ATTEMPTS: Joi.number().integer().min(1).max(50).default(8),
  MAIL_BACKOFF_MS: Joi.number().integer().min(10).default(5000),
  PUBLIC_URL: Joi.string().uri({ scheme: ['http', 'https'] }).default('http://localhost:3000'),
  HISTORIAN_MAX_BATCH: Joi.number().integer().min(1).max(100_000).default(10_000),
  HISTORIAN_MAX_PAST_DAYS: Joi.number().integer().min(1).max(36_500).default(3650),
  HISTORIAN_MAX_FUTURE_SECONDS: Joi.number().integer().min(0).max(86_400).default(300),
  HISTORIAN_FLUSH_MS: Joi.number().integer().min(10).max(60_000).default(250),
  HISTORIAN_IDLE_CLOSE_MS: Joi.number().integer().min(100).max(3_600_000).default(5000),
  HISTORIAN_JOURNAL_MAX_MB: Joi.number().integer().min(1).default(1024),
  HISTORIAN_MAX_BACKLOG_SAMPLES: Joi.number().integer().min(1).default(100_000),
  HISTORIAN_SNAPSHOT_MS: Joi.number().integer().min(100).default(5000),
  HISTORIAN_RAW_RETENTION_DAYS: Joi.number().integer().min(1).default(90),
  HISTORIAN_ROLLUP_RETENTION_DAYS: Joi.number().integer().min(1).default(3650),
  HISTORIAN_RETENTION_EVERY_MINUTES: Joi.number().integer().min(1).default(60),
  SHUTDOWN_TIMEOUT_MS: Joi.number().integer().min(500).max(600_000).default(10_000),
}).unknown(true);

/**
 * Validates the environment and returns the typed configuration, or throws a ConfigError whose message is
 * one line naming the variable and what is wrong with it.
 */
export function loadConfig(env: Env, cwd = process.cwd()): AppConfig {
  const { value, error } = schema.validate(env, { abortEarly: true, convert: true });
  if (error) {
    const detail = error.details[0];
    const variable = String(detail.path[0] ?? detail.context?.key ?? 'configuration');
    const received = detail.context?.value;
    const problem = detail.type === 'any.required'
      ? 'is required but not set'
      : detail.message.replace(/^"[^"]+" /, '');
    const shown = received === undefined || /SECRET|PASS|TOKEN/.test(variable) ? '' : ` (got ${JSON.stringify(received)})`;
    throw new ConfigError(variable, `${problem}${shown}`);
  }
  const v = value as Record<string, any>;
  const nodeEnv = v.NODE_ENV as AppConfig['nodeEnv'];

  let jwtSecret: string | undefined = v.JWT_SECRET;
  let generated = false;
  if (nodeEnv === 'production') {
    if (!jwtSecret) throw new ConfigError('JWT_SECRET', 'is required when NODE_ENV=production (use 32+ random characters, e.g. `openssl rand -hex 32`)');
    if (jwtSecret === EXAMPLE_JWT_SECRET) throw new ConfigError('JWT_SECRET', 'is still the example value from .env.example; set a random secret of 32+ characters');
  }
  if (!jwtSecret) {
    // Development and tests only: tokens then do not survive a restart, which is fine there.
    jwtSecret = randomBytes(32).toString('hex');
    generated = true;
  }

  let lease: LeaseTiming;
  try {
    lease = leaseTiming(v.IDM_LEASE_MS, v.IDM_LEASE_RENEW_MS);
  } catch (err) {
    throw new ConfigError('IDM_LEASE_RENEW_MS', (err as Error).message);
  }

  let clientDist: string | null = v.CLIENT_DIST ? path.resolve(cwd, v.CLIENT_DIST) : null;
  if (!clientDist && nodeEnv === 'production') clientDist = path.resolve(cwd, 'client/dist');

  return {
    nodeEnv,
    host: v.HOST,
    port: v.PORT,
    logLevel: v.LOG_LEVEL,
    mongoUri: v.MONGO_URI,
    databaseName: new URL(v.MONGO_URI).pathname.slice(1) || 'idm',
    redisUrl: v.REDIS_URL,
    jwt: {
      secret: jwtSecret,
      generated,
      accessTtlSeconds: v.JWT_ACCESS_TTL_SECONDS,
      refreshTtlSeconds: v.JWT_REFRESH_TTL_SECONDS,
    },
    authRegistration: v.AUTH_REGISTRATION,
    metricsToken: v.METRICS_TOKEN || undefined,
    authLoginThrottle: {
      maxAttempts: v.AUTH_LOGIN_MAX_ATTEMPTS,
      maxAttemptsPerIp: v.AUTH_LOGIN_MAX_ATTEMPTS_PER_IP,
      windowSeconds: v.AUTH_LOGIN_WINDOW_SECONDS,
    },
    trustProxy: v.TRUST_PROXY === '' ? [] : v.TRUST_PROXY,
    smtp: {
      host: v.SMTP_HOST,
      port: v.SMTP_PORT,
      secure: v.SMTP_SECURE,
      user: v.SMTP_USER || undefined,
      pass: v.SMTP_PASS || undefined,
      from: v.SMTP_FROM,
    },
    clientDist,
    dataDir: path.resolve(cwd, v.DATA_DIR),
    opcua: { applicationName: v.OPCUA_APPLICATION_NAME, organization: v.OPCUA_ORGANIZATION },
    shutdownTimeoutMs: v.SHUTDOWN_TIMEOUT_MS,
    corsOrigins: String(v.CORS_ORIGINS).split(',').map((s) => s.trim()).filter(Boolean),
    alarms: {
      onDelayMs: v.ALARM_ON_DELAY_MS,
      offDelayMs: v.ALARM_OFF_DELAY_MS,
      floodThreshold: v.ALARM_FLOOD_THRESHOLD,
      auditRetentionDays: v.ALARM_AUDIT_RETENTION_DAYS,
    },
    detection: { snapshotSeconds: v.DETECTION_SNAPSHOT_SECONDS, episodeRefreshSeconds: v.DETECTION_EPISODE_REFRESH_SECONDS },
    socketRedisAdapter: v.SOCKET_REDIS_ADAPTER,
    role: v.IDM_ROLE,
    cluster: {
      lease,
      instanceId: v.IDM_INSTANCE_ID ?? `${os.hostname()}:${process.pid}`,
      advertiseUrl: v.IDM_ADVERTISE_URL ? String(v.IDM_ADVERTISE_URL).replace(/\/+$/, '') : null,
    },
    queuePrefix: v.QUEUE_PREFIX,
    reports: { retentionSeconds: v.REPORT_RETENTION_SECONDS, cleanupEverySeconds: v.REPORT_CLEANUP_EVERY_SECONDS },
    notifications: {
      criticalGroupSeconds: v.NOTIFY_CRITICAL_GROUP_SECONDS,
      mailAttempts: v.MAIL_ATTEMPTS,
      mailBackoffMs: v.MAIL_BACKOFF_MS,
      publicUrl: String(v.PUBLIC_URL).replace(/\/+$/, ''),
    },
    modbus: {
      deviceFile: v.DEVICE_FILE ? path.resolve(cwd, v.DEVICE_FILE) : null,
      // A screens-only instance never polls, whatever MODBUS_POLLING says.
      polling: v.MODBUS_POLLING && v.IDM_ROLE !== 'screens',
      // After a block was split around a refused register: first retry of the original plan, doubling up to 60x.
      replanRetry: { baseMs: v.MODBUS_REPLAN_RETRY_MS, maxMs: v.MODBUS_REPLAN_RETRY_MS * 60 },
    },
    historian: {
      maxBatch: v.HISTORIAN_MAX_BATCH,
      maxPastDays: v.HISTORIAN_MAX_PAST_DAYS,
      maxFutureSeconds: v.HISTORIAN_MAX_FUTURE_SECONDS,
      flushMs: v.HISTORIAN_FLUSH_MS,
      idleCloseMs: v.HISTORIAN_IDLE_CLOSE_MS,
      journalMaxBytes: v.HISTORIAN_JOURNAL_MAX_MB * 1024 * 1024,
      maxBacklogSamples: v.HISTORIAN_MAX_BACKLOG_SAMPLES,
      snapshotMs: v.HISTORIAN_SNAPSHOT_MS,
      rawRetentionDays: v.HISTORIAN_RAW_RETENTION_DAYS,
      rollupRetentionDays: v.HISTORIAN_ROLLUP_RETENTION_DAYS,
      retentionEveryMinutes: v.HISTORIAN_RETENTION_EVERY_MINUTES,
    },
    screensDir: v.SCREENS_DIR ? path.resolve(cwd, v.SCREENS_DIR) : null,
  };
}
