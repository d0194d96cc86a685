import type { AnomalyEpisode } from '@idm/contracts';

/** Opaque cursor of the history: the last item's start time and id (the sort key, newest first). */
export function encodeCursor(timestampMs: number, id: string): string {
  return Buffer.from(JSON.stringify([timestampMs, id])).toString('base64url');
}

/** The decoded cursor, or null when it is not one this API issued. */
export function decodeCursor(cursor: string): { timestampMs: number; id: string } | null {
  try {
    const v: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (Array.isArray(v) && v.length === 2 && Number.isFinite(v[0]) && typeof v[1] === 'string' && v[1].length <= 300) return { timestampMs: v[0], id: v[1] };
  } catch {
    // fall through: not JSON
  }
  return null;
}

const CSV_COLUMNS = ['id', 'sensor_id', 'area', 'timestamp', 'end_timestamp', 'anomaly_type', 'severity', 'score', 'resolved', 'samples', 'expected_lo', 'expected_hi', 'statistic', 'threshold', 'detail', 'alarm_id', 'active'] as const;

/** Episodes as CSV (one row each, header first), safe to open in a spreadsheet. */
export function episodesToCsv(items: AnomalyEpisode[]): string {
  const rows = items.map((e) =>
    [
      e.id,
      e.sensor_id,
      e.area ?? '',
      e.timestamp,
      e.end_timestamp,
      e.anomaly_type,
      e.severity,
      e.score,
      e.resolved,
      e.samples,
      e.evidence.expected_lo,
      e.evidence.expected_hi,
      e.evidence.statistic,
      e.evidence.threshold,
      e.evidence.detail ?? '',
      e.alarm_id,
      e.active,
    ]
      .map(csvCell)
      .join(','),
  );
  return [CSV_COLUMNS.join(','), ...rows].join('\r\n') + '\r\n';
}

function csvCell(v: unknown): string {
  if (v === null || v === undefined) return '';
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  let s = String(v);
  // A text cell starting with = + - @ would run as a formula in a spreadsheet.
  if (/^[=+\-@\t\r]/.test(s)) s = `'${s}`;
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}
