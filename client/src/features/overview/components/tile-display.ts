import { isBoolTag, type DeviceDto, type DeviceStatusDto, type ModbusDeviceDto, type TagDto, type TagStateWords } from '@idm/contracts';
import { formatValue } from '../../../lib/format';
import { DEFAULT_STATE_WORDS } from '../../../lib/tag-words';

/** What a tile needs of a tag (sensors posted over REST without a registered tag have only the first five). */
export type TileSpec = Pick<TagDto, 'sensor_id' | 'device_id' | 'area' | 'unit' | 'description'> &
  Partial<Pick<TagDto, 'source' | 'limits' | 'physical_min' | 'physical_max' | 'state_words'>>;

/** Words for values that are not numbers; a device flags a broken sensor with them, so never show a number. */
export function nonFiniteText(v: number): string {
  return Number.isNaN(v) ? 'NaN' : v > 0 ? '+Inf' : '-Inf';
}

/** What a tile knows of a sensor's live value (`lastGood`: the last measured value it received, if any). */
export type LiveReading = { value: number; quality: string; lastGood?: number | null };

/**
 * The number a tile may show for a reading, or null when it has none: a comm-failure sample carries a
 * placeholder (the server sends 0 for a tag it never read, the last good value otherwise), so the tile
 * shows the last measured value it received itself, and nothing when there was none: never 0.000.
 */
export function shownValue(live: LiveReading | undefined): number | null {
  if (!live) return null;
  if (live.quality === 'comm_failure') return live.lastGood ?? null;
  return live.value;
}

/**
 * The text in a tile's value slot: `BAD` for bad quality (the server stores 0 for such a reading, which
 * must never read as a measured 0.000), `NaN`/`+Inf`/`-Inf` for such values, `—` when there is no value
 * (none yet, or a PLC that failed before it was ever read), the tag's state word for a bool, else the number.
 */
export function valueText(live: LiveReading | undefined, tag: Pick<TileSpec, 'source' | 'state_words'>): string {
  const v = shownValue(live);
  if (!live || v === null) return '—';
  if (!Number.isFinite(v)) return nonFiniteText(v);
  if (live.quality === 'bad') return 'BAD';
  if (isBoolTag(tag)) return (tag.state_words ?? DEFAULT_STATE_WORDS)[v ? '1' : '0'];
  return formatValue(v);
}

export interface AnalogScale {
  min: number;
  max: number;
  /** Limit marks as fractions 0..1 of the scale. */
  marks: { kind: 'lolo' | 'lo' | 'hi' | 'hihi'; at: number }[];
}

/**
 * The span of a tag's analog indicator: its physical range, widened to take in every limit (a limit outside
 * the physical range is still worth a mark). Without two distinct ends (no range, no limits, a bool) there
 * is nothing to show.
 */
export function analogScale(tag: TileSpec): AnalogScale | null {
  if (isBoolTag(tag)) return null;
  const l = tag.limits ?? {};
  const limits = (['lolo', 'lo', 'hi', 'hihi'] as const).filter((k) => typeof l[k] === 'number').map((k) => ({ kind: k, v: l[k] as number }));
  const ends = [tag.physical_min, tag.physical_max, ...limits.map((x) => x.v)].filter((v): v is number => typeof v === 'number' && Number.isFinite(v));
  if (ends.length < 2) return null;
  let min = Math.min(...ends);
  let max = Math.max(...ends);
  if (!(max > min)) return null;
  // Only limits and no physical range: leave room beyond the outer limits so a value past them shows as past.
  if (tag.physical_min === undefined) min -= (max - min) * 0.15;
  if (tag.physical_max === undefined) max += (max - min) * 0.15;
  return { min, max, marks: limits.map((x) => ({ kind: x.kind, at: (x.v - min) / (max - min) })) };
}

/** Where a value sits on the scale (clamped to 0..1), and which side it is past the scale if it is. */
export function analogPosition(scale: AnalogScale, v: number): { at: number; past: 'low' | 'high' | null } {
  const f = (v - scale.min) / (scale.max - scale.min);
  if (Number.isNaN(f)) return { at: 0.5, past: null };
  if (f < 0) return { at: 0, past: 'low' };
  if (f > 1) return { at: 1, past: 'high' };
  return { at: f, past: null };
}

/** Whether a value is beyond its tag's lo/hi (or lolo/hihi) limits: the indicator turns from grey to a colour. */
export function outsideLimits(tag: Pick<TileSpec, 'limits'>, v: number): boolean {
  const l = tag.limits;
  if (!l) return false;
  const lo = l.lo ?? l.lolo;
  const hi = l.hi ?? l.hihi;
  return (lo !== undefined && v < lo) || (hi !== undefined && v > hi);
}

export type DeviceHeadState =
  | { kind: 'no_link' }
  | { kind: 'comm_failure'; since: number | null; failed: number; of: number }
  | { kind: 'partial'; failed: number; of: number }
  | { kind: 'ok'; pollMs: number | null }
  | { kind: 'disabled' | 'connecting' | 'unknown' };

/**
 * A device header from the same live state its tiles show: no link when the screen's own connection is
 * down; comm failure when the poller says so OR every tile with a value says COMM FAIL (the status REST
 * answer is polled every few seconds and lagged the tiles); a count when only some tiles fail.
 */
export function deviceHeadState(status: DeviceStatusDto | undefined, tiles: { failed: number; withValue: number }, linkDown: boolean): DeviceHeadState {
  if (linkDown) return { kind: 'no_link' };
  const allFailed = tiles.withValue > 0 && tiles.failed === tiles.withValue;
  if (status?.state === 'comm_failure' || allFailed) return { kind: 'comm_failure', since: status?.last_good_poll_at ?? null, failed: tiles.failed, of: tiles.withValue };
  if (tiles.failed > 0) return { kind: 'partial', failed: tiles.failed, of: tiles.withValue };
  if (!status) return { kind: 'unknown' };
  if (status.state === 'disabled' || status.state === 'connecting') return { kind: status.state };
  return { kind: 'ok', pollMs: status.last_poll_duration_ms ?? null };
}

/**
 * What "comm OK" means for the device's protocol: a Modbus PLC is polled (its interval, and how long the
 * last poll took once known); an OPC UA server publishes a subscription; an MQTT broker pushes on publish.
 * Nothing is shown as a placeholder: a field the device does not have is left out.
 */
export function commOkText(device: Partial<DeviceDto> & { id: string }, pollMs: number | null): string {
  const parts = ['comm OK'];
  if (device.protocol === 'opcua') {
    parts.push(device.publishing_interval_ms ? `subscription, publishing ${device.publishing_interval_ms} ms` : 'subscription');
  } else if (device.protocol === 'mqtt') {
    parts.push('values on publish');
  } else {
    const every = (device as Partial<ModbusDeviceDto>).poll_interval_ms;
    const poll = [every ? `poll every ${every} ms` : null, pollMs !== null ? `last took ${pollMs} ms` : null].filter(Boolean).join(', ');
    if (poll) parts.push(poll);
  }
  return parts.join(' · ');
}
