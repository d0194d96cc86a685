import * as fs from 'node:fs';
import * as path from 'node:path';
import type { StoredSample } from './engine/summary';

export interface JournalRecord {
  seq: number;
  samples: StoredSample[];
}

interface Segment {
  file: string;
  firstSeq: number;
  lastSeq: number;
  bytes: number;
}

export function encodeRecord(r: JournalRecord): string {
  return `${JSON.stringify({ q: r.seq, s: r.samples.map((x) => [x.sensor_id, x.t, x.v, x.s, x.q]) })}\n`;
}

/** Decodes the complete lines of a segment; a torn last line (crash mid-write, never acknowledged) is dropped. */
export function decodeSegment(text: string): JournalRecord[] {
  const out: JournalRecord[] = [];
  const lines = text.split('\n');
  lines.pop(); // after the last "\n": empty, or a torn line
  for (const line of lines) {
    try {
      const o = JSON.parse(line) as { q: number; s: Array<[string, number, number, StoredSample['s'], StoredSample['q']]> };
      out.push({ seq: o.q, samples: o.s.map(([sensor_id, t, v, s, q]) => ({ sensor_id, t, v, s, q })) });
    } catch {
      break; // a corrupt line: nothing after it was acknowledged either
    }
  }
  return out;
}

/**
 * The store-and-forward journal: append-only segment files under `<dir>`, fsync'd in groups (every
 * append waits for the fsync that covers it; appends arriving meanwhile share the next one). Segments are
 * deleted once every record in them is in the database. Bounded: `append` refuses when `maxBytes` is reached.
 */
export class Journal {
  private segments: Segment[] = [];
  private current: { fd: number; seg: Segment } | null = null;
  private nextSeq = 1;
  private queue: Array<{ line: string; seq: number; resolve: () => void; reject: (e: unknown) => void }> = [];
  private syncing = false;

  constructor(
    private readonly dir: string,
    private readonly maxBytes: number,
    private readonly segmentBytes = 8 * 1024 * 1024,
  ) {}

  /** Reads every record left by the previous run (in order) and opens a fresh segment for new ones. */
  open(): JournalRecord[] {
    fs.mkdirSync(this.dir, { recursive: true });
    const files = fs.readdirSync(this.dir).filter((f) => /^journal-\d+\.log$/.test(f)).sort();
    const records: JournalRecord[] = [];
    for (const file of files) {
      const full = path.join(this.dir, file);
      const recs = decodeSegment(fs.readFileSync(full, 'utf8'));
      if (!recs.length) {
        fs.rmSync(full, { force: true });
        continue;
      }
      records.push(...recs);
      this.segments.push({ file: full, firstSeq: recs[0].seq, lastSeq: recs[recs.length - 1].seq, bytes: fs.statSync(full).size });
    }
    if (records.length) this.nextSeq = records[records.length - 1].seq + 1;
    this.roll();
    return records;
  }

  get bytes(): number {
    return this.segments.reduce((n, s) => n + s.bytes, 0);
  }

  get segmentCount(): number {
    return this.segments.length;
  }

  get full(): boolean {
    return this.bytes >= this.maxBytes;
  }

  get lastSeq(): number {
    return this.nextSeq - 1;
  }

  /** Appends one record; resolves once it is on disk (fsync'd). Returns the record's sequence number. */
  async append(samples: StoredSample[]): Promise<number> {
    if (this.full) throw new JournalFullError(this.bytes, this.maxBytes);
    const seq = this.nextSeq++;
    const line = encodeRecord({ seq, samples });
    await new Promise<void>((resolve, reject) => {
      this.queue.push({ line, seq, resolve, reject });
      if (!this.syncing) void this.drain();
    });
    return seq;
  }

  /** The records kept on disk with `seq >= from`, in order (what is not yet known to be in the database). */
  readFrom(from: number): JournalRecord[] {
    return this.segments
      .filter((seg) => seg.lastSeq >= from && fs.existsSync(seg.file))
      .flatMap((seg) => decodeSegment(fs.readFileSync(seg.file, 'utf8')))
      .filter((r) => r.seq >= from);
  }

  /** Deletes segments whose records are all below `seq` (they are in the database). */
  truncateBelow(seq: number): void {
    const cur = this.current?.seg;
    if (cur && cur.lastSeq >= cur.firstSeq && cur.lastSeq < seq && cur.bytes > 0 && !this.syncing && !this.queue.length) this.roll();
    this.segments = this.segments.filter((s) => {
      if (s === this.current?.seg || s.lastSeq >= seq) return true;
      fs.rmSync(s.file, { force: true });
      return false;
    });
  }

  /** Flushes what is written to disk and closes; safe to call twice (a forced exit after a normal close). */
  close(): void {
    if (this.current) {
      fs.fdatasyncSync(this.current.fd);
      fs.closeSync(this.current.fd);
    }
    this.current = null;
  }

  private roll(): void {
    if (this.current) {
      fs.closeSync(this.current.fd);
      if (!this.current.seg.bytes) {
        fs.rmSync(this.current.seg.file, { force: true });
        this.segments = this.segments.filter((s) => s !== this.current?.seg);
      }
    }
    const file = path.join(this.dir, `journal-${String(this.nextSeq).padStart(16, '0')}.log`);
    const seg: Segment = { file, firstSeq: this.nextSeq, lastSeq: this.nextSeq - 1, bytes: 0 };
    this.current = { fd: fs.openSync(file, 'a'), seg };
    this.segments.push(seg);
  }

  private async drain(): Promise<void> {
    this.syncing = true;
    try {
      while (this.queue.length) {
        const group = this.queue;
        this.queue = [];
        try {
          const cur = this.current as { fd: number; seg: Segment };
          const buf = Buffer.from(group.map((g) => g.line).join(''));
          await new Promise<void>((resolve, reject) => fs.write(cur.fd, buf, (e) => (e ? reject(e) : resolve())));
          await new Promise<void>((resolve, reject) => fs.fdatasync(cur.fd, (e) => (e ? reject(e) : resolve())));
          cur.seg.bytes += buf.length;
          cur.seg.lastSeq = group[group.length - 1].seq;
          for (const g of group) g.resolve();
          if (cur.seg.bytes >= this.segmentBytes) this.roll();
        } catch (err) {
          for (const g of group) g.reject(err);
        }
      }
    } finally {
      this.syncing = false;
    }
  }
}

export class JournalFullError extends Error {
  constructor(bytes: number, max: number) {
    super(`the ingestion journal is full (${bytes} of ${max} bytes): the database has been unreachable too long`);
    this.name = 'JournalFullError';
  }
}
