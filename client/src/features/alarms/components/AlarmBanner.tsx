import { useEffect, useState } from 'react';
import { Link } from 'react-router-dom';
import type { AlarmPriorityName } from '@idm/contracts';
import { PriorityBadge } from '../../../components/ui/PriorityBadge';
import { useAlarmState } from '../../../lib/live/LiveProvider';
import { isUnacked, sortAlarms } from '../../../lib/live/alarm-state';
import { clock } from '../../../lib/format';
import { sound } from '../../../lib/annunciator';
import { toUiError } from '../../../lib/errors';
import { sourceName, sourceTitle, useAlarmSources } from '../../../lib/alarm-sources';
import { ShelveForm, type AlarmActions } from './AlarmList';
import { alarmLineText } from '../../../lib/alarm-text';

const SOUND_KEY = 'idm.sound';
const REPEAT_MS = 10_000;

const PRIORITIES: AlarmPriorityName[] = ['critical', 'high', 'medium', 'low'];

/**
 * Always on screen: calm grey with nothing to do; otherwise the counts by priority and the most urgent
 * unacknowledged alarms, so a new alarm is impossible to miss from any screen. With `actions` (operator
 * role or above) each row has a small Ack and Shelve, so the operator need not leave the screen they are on.
 */
export function AlarmBanner({ actions }: { actions?: AlarmActions }) {
  const [shelving, setShelving] = useState<string | null>(null);
  const [actionError, setActionError] = useState<string | null>(null);
  const ack = (id: string) => {
    setActionError(null);
    actions?.acknowledge([id]).catch((err: unknown) => setActionError(toUiError(err).message));
  };
  const state = useAlarmState();
  // Devices and assets by name (the id in the tooltip), as in the alarm list.
  const sources = useAlarmSources();
  const everything = sortAlarms(state.alarms.values());
  // Shelved and out-of-service alarms are suppressed from the banner (ISA-18.2); the list still has them.
  const all = everything.filter((a) => a.state !== 'shelved' && a.state !== 'out_of_service');
  const suppressed = everything.length - all.length;
  const unacked = all.filter(isUnacked);
  const top = (unacked.length ? unacked : all).slice(0, 3);
  // Audible annunciation: unacknowledged medium-and-above alarms sound until acknowledged or silenced;
  // a new alarm sounds again. The choice to mute is kept per browser.
  const [soundOn, setSoundOn] = useState(() => globalThis.localStorage?.getItem(SOUND_KEY) !== 'off');
  const [silenced, setSilenced] = useState<ReadonlySet<string>>(new Set());
  const loud = unacked.filter((a) => a.priority !== 'low' && !silenced.has(`${a.id}|${a.raised_at}`));
  const loudKey = loud.map((a) => `${a.id}|${a.raised_at}`).join(',');
  const loudest = loud[0]?.priority;
  useEffect(() => {
    if (!soundOn || !loudest) return;
    sound(loudest);
    const t = setInterval(() => sound(loudest), REPEAT_MS);
    return () => clearInterval(t);
  }, [soundOn, loudest, loudKey]);
  const toggleSound = () => {
    const next = !soundOn;
    setSoundOn(next);
    globalThis.localStorage?.setItem(SOUND_KEY, next ? 'on' : 'off');
  };

  const counts = PRIORITIES.map((p) => [p, all.filter((a) => a.priority === p).length] as const).filter(([, n]) => n > 0);

  return (
    <section className={`alarm-banner${unacked.length ? ` has-unacked banner-${unacked[0].priority}` : ''}`} aria-label="Alarm banner" aria-live="polite" data-testid="alarm-banner">
      {state.flood && (
        <strong className="flood" role="status">
          ALARM FLOOD — events are grouped
        </strong>
      )}
      <div className="banner-counts">
        {all.length === 0 ? (
          <span className="calm">{state.ready ? 'No active alarms' : 'Alarms: waiting for the server…'}</span>
        ) : (
          <>
            {counts.map(([p, n]) => (
              <span key={p} className="count">
                <PriorityBadge priority={p} unacked={unacked.some((a) => a.priority === p)} /> {n}
              </span>
            ))}
            <span className="count">{unacked.length} unacknowledged</span>
          </>
        )}
        {suppressed > 0 && <span className="count muted">{suppressed} shelved / out of service</span>}
      </div>
      <ol className="banner-top">
        {top.map((a) => (
          <li key={a.id} className={isUnacked(a) ? 'unacked' : ''} data-alarm-id={a.id} data-state={a.state}>
            <PriorityBadge priority={a.priority} unacked={isUnacked(a)} />
            <span className="num">{clock(a.raised_at)}</span>
            <span className="src" title={sourceTitle(sources, a)}>
              {sourceName(sources, a)}
            </span>
            {/* Condition first (the Source column names the tag; on a phone, where that column is hidden, the tag leads the text). */}
            <span className="msg" title={a.message}>
              <span className="msg-src">{sourceName(sources, a)} </span>
              {alarmLineText(a)}
            </span>
            <span className="state">{isUnacked(a) ? 'UNACK' : 'ACK'}</span>
            {actions && (
              <span className="row-actions">
                {isUnacked(a) && (
                  <button type="button" className="small" onClick={() => ack(a.id)} aria-label={`Acknowledge ${a.message}`} title="Acknowledge">
                    Ack
                  </button>
                )}
                <button type="button" className="small" aria-expanded={shelving === a.id} onClick={() => setShelving(shelving === a.id ? null : a.id)} aria-label={`Shelve ${a.message}`} title="Shelve">
                  Shelve
                </button>
              </span>
            )}
          </li>
        ))}
      </ol>
      {actions && shelving && state.alarms.get(shelving) && (
        <div className="banner-form">
          {/* The form sits under all the rows: it names the alarm it shelves. */}
          <span className="banner-form-what" data-testid="banner-shelve-what">
            Shelve {sourceName(sources, state.alarms.get(shelving)!)}
          </span>
          <ShelveForm alarm={state.alarms.get(shelving)!} onSubmit={(m, r) => actions.shelve(shelving, m, r)} onCancel={() => setShelving(null)} onDone={() => setShelving(null)} />
        </div>
      )}
      {actionError && (
        <p className="banner-error form-error" role="alert">
          {actionError}
        </p>
      )}
      <span className="banner-actions">
        {soundOn && loud.length > 0 && (
          <button type="button" onClick={() => setSilenced(new Set(unacked.map((a) => `${a.id}|${a.raised_at}`)))}>
            Silence
          </button>
        )}
        <button type="button" aria-pressed={soundOn} onClick={toggleSound} title="Audible alarms">
          {soundOn ? '♪ Sound on' : 'Sound off'}
        </button>
        {/* On a phone the banner keeps only its most urgent alarm (three rows of two lines took 40 % of the
            screen); the rest are one tap away. Hidden on wider screens, where all three rows show. */}
        {all.length > 1 && (
          <Link to="/alarms" className="banner-more" aria-label={`+${all.length - 1} more alarm${all.length === 2 ? '' : 's'}`}>
            +{all.length - 1}
          </Link>
        )}
        <Link to="/alarms" className="banner-link">
          Alarm list ({everything.length})
        </Link>
      </span>
    </section>
  );
}
