/**
 * Asset CSVs for the multivariate detector: the first column a timestamp, every other column a sensor,
 * separated by `,` or `;` (the header decides: whichever occurs more), e.g. SKAB's
 * `datetime;Accelerometer1RMS;...`. Pure parsing, shared by the command line and the SKAB bench.
 */
/** Accepts `YYYY-MM-DD HH:MM:SS[.fff]` (read as UTC, as NAB does), ISO-8601 or epoch milliseconds. */
export function parseTimestamp(text: string): number {
  const t = text.trim();
  if (/^\d+(\.\d+)?$/.test(t)) return Number(t);
  const iso = /^\d{4}-\d{2}-\d{2} \d/.test(t) ? t.replace(' ', 'T').replace(/(\.\d{3})\d*$/, '$1') + (/[zZ]|[+-]\d{2}:?\d{2}$/.test(t) ? '' : 'Z') : t;
  return Date.parse(iso);
}

export interface AssetHeader {
  delimiter: ',' | ';';
  /** Sensor names in column order, and their column indices. */
  sensors: string[];
  sensorColumns: number[];
  /** Every column name (index 0 is the timestamp). */
  columns: string[];
}

export interface AssetRow {
  /** The timestamp as written, and read as epoch milliseconds. */
  stamp: string;
  ts: number;
  /** One per sensor; null when empty or not a number (the sensor sent nothing in that row). */
  values: (number | null)[];
  cells: string[];
}

/** Reads the header line; `exclude` names columns that are not sensors (e.g. labels); throws naming the problem. */
export function parseAssetHeader(line: string, exclude: readonly string[] = []): AssetHeader {
  const semicolons = line.split(';').length - 1;
  const commas = line.split(',').length - 1;
  const delimiter = semicolons > commas ? ';' : ',';
  const columns = line.split(delimiter).map((c) => c.trim().replace(/^"(.*)"$/, '$1'));
  const unknown = exclude.filter((x) => !columns.slice(1).includes(x));
  if (unknown.length) throw new Error(`--exclude names no column: ${unknown.join(', ')}`);
  const sensorColumns = columns.map((_, i) => i).filter((i) => i > 0 && !exclude.includes(columns[i]));
  const sensors = sensorColumns.map((i) => columns[i]);
  if (sensors.length < 2) throw new Error(`an asset needs a timestamp column and at least 2 sensor columns (header "${line}")`);
  const dup = sensors.find((s, i) => sensors.indexOf(s) !== i);
  if (dup !== undefined) throw new Error(`sensor column "${dup}" appears twice`);
  if (sensors.some((s) => !s)) throw new Error('a sensor column has no name');
  return { delimiter, sensors, sensorColumns, columns };
}

/** Reads one data line (`rowNumber` for the message); throws when the timestamp is unreadable. */
export function parseAssetRow(line: string, header: AssetHeader, rowNumber: number): AssetRow {
  const cells = line.split(header.delimiter);
  const stamp = cells[0].trim();
  const ts = parseTimestamp(stamp);
  if (Number.isNaN(ts)) throw new Error(`row ${rowNumber}: cannot read "${stamp}" as a timestamp`);
  const values = header.sensorColumns.map((c) => {
    const text = (cells[c] ?? '').trim();
    const v = text === '' ? NaN : Number(text);
    return Number.isFinite(v) ? v : null;
  });
  return { stamp, ts, values, cells };
}
