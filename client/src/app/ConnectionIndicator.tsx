import { config } from '../config';
import { useConnection, useLive } from '../lib/live/LiveProvider';
import { clock } from '../lib/format';
import { useNow } from '../lib/use-now';

/** Live / stale / lost, in words and shape, so nobody trusts frozen numbers. */
export function ConnectionIndicator() {
  const conn = useConnection();
  const live = useLive();
  const now = useNow(1000);
  const last = live?.lastMessageAt() ?? null;
  let kind: 'live' | 'stale' | 'lost' | 'connecting' = 'connecting';
  if (conn.state === 'offline') kind = 'lost';
  else if (conn.state === 'online') {
    // Stale only means something while sensors are on screen: then samples must keep coming.
    const samples = live?.samplesInfo();
    const since = samples?.lastAt ?? null;
    kind = samples?.watching && since !== null && now - since > config().staleAfterMs * 3 ? 'stale' : 'live';
  }
  // The state's word, and when the data stopped on a second, smaller line: on one line, "CONNECTION LOST —
  // values from 15:51:06" pushed an admin's links into a second row at 1280 px, so the whole screen jumped down
  // at the moment it went wrong. The dash is only for what reads the text (screen readers, tests).
  const [word, since] = {
    live: ['LIVE', ''],
    stale: ['NO DATA', `since ${clock(live?.samplesInfo().lastAt)}`],
    lost: ['CONNECTION LOST', last ? `values from ${clock(last)}` : ''],
    connecting: ['CONNECTING…', ''],
  }[kind];
  return (
    <span className={`conn conn-${kind}`} role="status" data-testid="connection" title={conn.error ?? undefined}>
      <span className="conn-mark" aria-hidden="true">
        {kind === 'live' ? '●' : kind === 'lost' ? '✕' : '◌'}
      </span>{' '}
      <span className="conn-text">
        {word}
        {since && (
          <>
            <span className="conn-sep"> — </span>
            <span className="conn-since">{since}</span>
          </>
        )}
      </span>
    </span>
  );
}
