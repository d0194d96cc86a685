import type { LeaseTiming } from '../cluster/engine/writer-lease';

/** The validated, typed configuration every module reads (never `process.env`). */
export abstract class AppConfig {
  abstract readonly nodeEnv: 'development' | 'production' | 'test';
  abstract readonly host: string;
  abstract readonly port: number;
  abstract readonly logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
  abstract readonly mongoUri: string;
  /**
   * The database of MONGO_URI (`idm` when it names none). It names the deployment in Redis keys and channels:
   * instances on one database share them; other deployments (and test suites) on the same Redis stay apart.
   */
  abstract readonly databaseName: string;
  abstract readonly redisUrl: string;
  abstract readonly jwt: {
    readonly secret: string;
    /** True when no secret was configured and a random one was made for this process (development only). */
    readonly generated: boolean;
    readonly accessTtlSeconds: number;
    readonly refreshTtlSeconds: number;
  };
  abstract readonly authRegistration: 'open' | 'closed';
  /** Bearer token Prometheus sends to scrape `/metrics` (signed-in users may read it too); unset: users only. */
  abstract readonly metricsToken: string | undefined;
  /** Failed logins allowed per username and per client IP within a window before logins answer 429. */
  abstract readonly authLoginThrottle: {
    readonly maxAttempts: number;
    readonly maxAttemptsPerIp: number;
    readonly windowSeconds: number;
  };
  /**
   * Proxies whose `X-Forwarded-For` gives the client address (for login throttling and logs): addresses,
   * subnets or Express' named ranges. Empty (the default): the peer address is the client, whatever it sends.
   */
  abstract readonly trustProxy: string[];
  abstract readonly smtp: {
    readonly host: string;
    readonly port: number;
    readonly secure: boolean;
    readonly user?: string;
    readonly pass?: string;
    readonly from: string;
  };
  /** Folder of the built client served at `/`; null when not serving it. */
  abstract readonly clientDist: string | null;
  abstract readonly dataDir: string;
  /** The names IDM's OPC UA application certificate is made with (a certificate already made is kept). */
  abstract readonly opcua: { readonly applicationName: string; readonly organization: string };
  /** After SIGTERM/SIGINT the process exits within this long, whatever the database and Redis are doing. */
  abstract readonly shutdownTimeoutMs: number;
  abstract readonly corsOrigins: string[];
  abstract readonly alarms: {
    /** A condition must persist this long before its alarm is raised (ISA-18.2 on-delay). */
    readonly onDelayMs: number;
    /** A condition must be gone this long before its alarm clears (off-delay, against chattering). */
    readonly offDelayMs: number;
    /** More than this many alarms raised in 10 minutes is a flood (EEMUA 191: 10). */
    readonly floodThreshold: number;
    /** Alarm events (audit trail, journal) older than this many days are deleted (hourly, by the writer). */
    readonly auditRetentionDays: number;
  };
  abstract readonly detection: {
    /** How often per-sensor detector state is saved (also saved at shutdown), so a restart does not re-learn. */
    readonly snapshotSeconds: number;
    /**
     * How often the stored `end_timestamp`/`samples` of open episodes catch up with the detector (at most one
     * write per open episode per period; the open, worse and close writes happen at once regardless).
     */
    readonly episodeRefreshSeconds: number;
  };
  /** Use the Socket.IO Redis adapter so several IDM instances can serve screens. */
  abstract readonly socketRedisAdapter: boolean;
  /**
   * `all`: this instance processes (polls, ingests, raises and acts on alarms). `screens`: it only serves
   * screens next to a writer instance: no polling, routes marked `@PlantWrite()` answer 409, and the
   * historian and detection keep no journal and save no state. `auto`: instances elect the writer through a
   * lease in Redis; the others are hot standbys (see WriterRole).
   */
  abstract readonly role: 'all' | 'screens' | 'auto';
  /** IDM_ROLE=auto: the writer lease, and how this instance names itself to the others. */
  abstract readonly cluster: {
    readonly lease: LeaseTiming;
    /** IDM_INSTANCE_ID, or hostname:pid. */
    readonly instanceId: string;
    /** IDM_ADVERTISE_URL: where clients reach this instance; a standby sends them there when it is the writer. */
    readonly advertiseUrl: string | null;
  };
  /** Modbus polling: a device file imported at start while the registry is empty, and the poller switch. */
  abstract readonly modbus: {
    /** Absolute path of a JSON/YAML device file, or null. */
    readonly deviceFile: string | null;
    readonly polling: boolean;
    /** When a block split around a refused register is merged back (first try after baseMs, doubling to maxMs). */
    readonly replanRetry: { readonly baseMs: number; readonly maxMs: number };
  };
  /** Prefix of every BullMQ key in Redis (several IDM installations or test suites can share one Redis). */
  abstract readonly queuePrefix: string;
  abstract readonly reports: {
    /** Files of background report jobs are deleted this long after they were made. */
    readonly retentionSeconds: number;
    /** How often the clean-up of expired report files runs. */
    readonly cleanupEverySeconds: number;
  };
  abstract readonly notifications: {
    /** Critical-alarm e-mails: the first goes at once, then at most one grouped message per this period. */
    readonly criticalGroupSeconds: number;
    /** Delivery attempts per e-mail (exponential backoff between them) before it is logged as failed. */
    readonly mailAttempts: number;
    /** First retry delay; doubles on each attempt. */
    readonly mailBackoffMs: number;
    /** Base URL put in e-mails for links back to IDM (reports, alarms). */
    readonly publicUrl: string;
  };
  /** The historian: REST ingest limits, write loop, store-and-forward journal and retention. */
  abstract readonly historian: {
    /** Most samples in one `POST /sensors/data`. */
    readonly maxBatch: number;
    /** Accepted sample timestamps: no older than this many days, no further ahead than this many seconds. */
    readonly maxPastDays: number;
    readonly maxFutureSeconds: number;
    /** How often the write loop writes closed buckets to the database. */
    readonly flushMs: number;
    /** A sensor quiet this long has its finished minute/hour/day written without waiting for its next sample. */
    readonly idleCloseMs: number;
    /** Bound of the on-disk journal under DATA_DIR; ingest is refused (503) when it is full. */
    readonly journalMaxBytes: number;
    /**
     * Samples accepted but not yet written to the database that may wait in memory; beyond it `POST /sensors/data`
     * answers 503 with Retry-After (backpressure), so memory and write lag stay bounded under a flood.
     */
    readonly maxBacklogSamples: number;
    /** How often the latest values are saved (and the journal trimmed behind them). */
    readonly snapshotMs: number;
    readonly rawRetentionDays: number;
    readonly rollupRetentionDays: number;
    readonly retentionEveryMinutes: number;
  };
  /** Folder of process-graphics screens (screens.json + SVG files) imported at start while none is stored, or null. */
  abstract readonly screensDir: string | null;
}
