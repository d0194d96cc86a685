import type { DeviceStatusDto } from '@idm/contracts';
import { clock, dayTime, duration } from '../../../lib/format';
import { useResource } from '../../../lib/use-resource';
import { getDeviceStatus } from '../api/get-device-status';

/** How often a shown device alarm re-reads its device's poller status. */
export const DEVICE_STATUS_REFRESH_MS = 5000;

/**
 * One line under a device alarm's source: is the device connected now, since when it has had no good
 * poll, how many polls failed in a row and the last error, so the operator sees whether the comm failure
 * is still going on without leaving the alarm list. Loaded on its own (the list never waits for it) and
 * re-read while the row is shown.
 */
export function DeviceCommStatus({ deviceId }: { deviceId: string }) {
  const status = useResource(() => getDeviceStatus(deviceId), deviceId, DEVICE_STATUS_REFRESH_MS);
  // A failed refresh says so instead of showing the last answer as if it were current.
  if (status.error) {
    return (
      <div className="device-comm">
        <span className="quality">Device status cannot be loaded</span>: {status.error.message}
      </div>
    );
  }
  if (!status.data) {
    return (
      <div className="device-comm muted">
        Device status loading…
      </div>
    );
  }
  // Re-rendered by each refresh, so the outage length stays current without a clock of its own.
  const [state, ...rest] = describe(status.data, Date.now());
  // One line in the alarm summary ends in an ellipsis: the whole status stays in the tooltip.
  return (
    <div className="device-comm" title={[state, ...rest].join(' · ')}>
      {status.data.connected ? state : <strong className="quality">{state}</strong>}
      {rest.map((part) => ` · ${part}`).join('')}
    </div>
  );
}

function describe(s: DeviceStatusDto, now: number): string[] {
  const parts = [s.connected ? 'connected' : s.state === 'disabled' ? '✕ not connected (polling disabled)' : s.state === 'connecting' ? '✕ not connected (connecting…)' : '✕ NOT CONNECTED'];
  const good = s.last_good_poll_at;
  if (s.connected) {
    if (good !== null) parts.push(`last good poll ${clock(good)}`);
  } else {
    parts.push(good === null ? 'no good poll yet' : `no good poll since ${dayTime(good, now)} (${duration(now - good)})`);
  }
  if (s.consecutive_failures > 0) parts.push(`${s.consecutive_failures} failed poll${s.consecutive_failures === 1 ? '' : 's'} in a row`);
  // The poller keeps its last error after recovering: only worth showing while polls fail.
  if (s.last_error && (!s.connected || s.consecutive_failures > 0)) parts.push(`last error: ${s.last_error}`);
  return parts;
}
