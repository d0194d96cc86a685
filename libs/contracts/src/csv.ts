/** CSV as IDM writes it (server exports and the client's own), one definition for both. */

/**
 * One CSV field (RFC 4180: quoted when it holds a comma, quote or line break), with spreadsheet formula
 * injection neutralised: a text cell starting with = + - @ (or a tab / carriage return) would run as a
 * formula in Excel or LibreOffice, so it gets a leading apostrophe.
 */
export function csvField(v: unknown): string {
  if (v === null || v === undefined) return '';
  let s = String(v);
  if (typeof v === 'string' && /^[=+\-@\t\r]/.test(s)) s = `'${s}`;
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/** Rows as CSV text, header first, CRLF line ends (what spreadsheets expect). */
export function toCsv(header: readonly string[], rows: readonly (readonly unknown[])[]): string {
  return [header, ...rows].map((r) => r.map(csvField).join(',')).join('\r\n') + '\r\n';
}
