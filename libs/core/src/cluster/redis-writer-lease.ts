import type Redis from 'ioredis';

/** Who holds the writer lease, as stored with it in Redis. */
export interface WriterInfo {
  instance_id: string;
  /** Base URL other instances send clients to (IDM_ADVERTISE_URL), or null. */
  url: string | null;
  /** Fencing token: raised by every acquisition, never reused. */
  epoch: number;
}

export type LeaseReply = { held: true; info: WriterInfo } | { held: false; info: WriterInfo | null };

// SET NX PX with a fresh epoch (INCR) in one step: failed attempts burn no epoch, and no one can see a
// lease without its epoch. The value names its holder by a per-process token.
const ACQUIRE = `
local cur = redis.call('GET', KEYS[1])
if cur then return {0, cur} end
local e = redis.call('INCR', KEYS[2])
local info = cjson.decode(ARGV[1])
info.epoch = e
local v = cjson.encode(info)
redis.call('SET', KEYS[1], v, 'PX', ARGV[2])
return {1, v}`;

// Compare-and-renew: only the holder (same token) extends it.
const RENEW = `
local cur = redis.call('GET', KEYS[1])
if not cur then return {0, false} end
local info = cjson.decode(cur)
if info.token ~= ARGV[1] then return {0, cur} end
redis.call('PEXPIRE', KEYS[1], ARGV[2])
return {1, cur}`;

// Compare-and-delete: a writer that shuts down hands over at once instead of after the lease.
const RELEASE = `
local cur = redis.call('GET', KEYS[1])
if not cur then return 0 end
if cjson.decode(cur).token ~= ARGV[1] then return 0 end
return redis.call('DEL', KEYS[1])`;

/** The writer lease in Redis: acquire (SET NX PX + INCR epoch), renew and release by owner token, in Lua. */
export class RedisWriterLease {
  private readonly leaseKey: string;
  private readonly epochKey: string;

  constructor(
    private readonly redis: Redis,
    deployment: string,
    private readonly token: string,
    private readonly self: { instance_id: string; url: string | null },
  ) {
    this.leaseKey = `idm:${deployment}:writer:lease`;
    this.epochKey = `idm:${deployment}:writer:epoch`;
  }

  /** Acquires the lease when free, or renews it when ours; otherwise tells who holds it. */
  async acquireOrRenew(leaseMs: number, mine: boolean): Promise<LeaseReply> {
    const [ok, raw] = (mine
      ? await this.redis.eval(RENEW, 1, this.leaseKey, this.token, String(leaseMs))
      : await this.redis.eval(ACQUIRE, 2, this.leaseKey, this.epochKey, JSON.stringify({ ...this.self, token: this.token }), String(leaseMs))) as [number, string | null];
    const info = raw ? parseInfo(raw) : null;
    return ok === 1 && info ? { held: true, info } : { held: false, info };
  }

  async release(): Promise<void> {
    await this.redis.eval(RELEASE, 1, this.leaseKey, this.token);
  }
}

function parseInfo(raw: string): WriterInfo | null {
  try {
    const v = JSON.parse(raw) as Partial<WriterInfo>;
    if (typeof v.instance_id !== 'string' || typeof v.epoch !== 'number') return null;
    return { instance_id: v.instance_id, url: typeof v.url === 'string' && v.url ? v.url : null, epoch: v.epoch };
  } catch {
    return null;
  }
}
