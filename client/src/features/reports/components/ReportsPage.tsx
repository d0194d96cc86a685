import { useEffect, useState, type FormEvent } from 'react';
import type { DigestAttachmentFormat, ReportFormat, ReportJobDto } from '@idm/contracts';
import { useAuth } from '../../../lib/auth';
import { dateTime, displayTimeZone } from '../../../lib/format';
import { downloadFile } from '../../../lib/download';
import { toUiError, type UiError } from '../../../lib/errors';
import { useResource } from '../../../lib/use-resource';
import { Field } from '../../../components/ui/Field';
import { DateTimeField, readRange, useDateTimeField } from '../../../components/ui/DateTimeField';
import { getAreas } from '../api/get-areas';
import { cronProblem, cronWords } from '../cron-words';
import { createReportJob, getReportJob } from '../api/report-jobs';
import { createSubscription, deleteSubscription, listSubscriptions, sendDigestNow, setSubscriptionEnabled } from '../api/subscriptions';

const DEFAULT_CRON = '0 6 * * *';

/** Supervisors: generate a report in the background with progress and download it; manage e-mail digests. */
export function ReportsPage({ confirm = (text: string) => window.confirm(text) }: { confirm?(text: string): boolean } = {}) {
  const { can } = useAuth();
  if (!can('supervisor')) return <p className="panel">Reports and notifications are for supervisors and admins.</p>;
  return (
    <>
      <ReportGenerator />
      <Subscriptions confirm={confirm} />
    </>
  );
}

function ReportGenerator() {
  const areas = useResource(getAreas, 'areas');
  const [job, setJob] = useState<ReportJobDto | null>(null);
  const [error, setError] = useState<UiError | null>(null);
  const [opened] = useState(() => Date.now());
  const fromField = useDateTimeField('From', opened - 7 * 86_400_000);
  const toField = useDateTimeField('To', opened);

  useEffect(() => {
    if (!job || job.state === 'done' || job.state === 'failed') return;
    const t = setTimeout(() => {
      getReportJob(job.id).then(setJob, (err) => setError(toUiError(err)));
    }, 1000);
    return () => clearTimeout(t);
  }, [job]);

  const submit = async (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const f = new FormData(e.currentTarget);
    setError(null);
    const range = readRange(fromField, toField, true);
    if (range?.from == null || range.to == null) return; // the field says what is wrong
    setJob(null);
    try {
      const area = String(f.get('area') ?? '');
      setJob(
        await createReportJob({
          from: new Date(range.from).toISOString(),
          to: new Date(range.to).toISOString(),
          format: String(f.get('format')) as ReportFormat,
          scope: area ? { area } : {},
        }),
      );
    } catch (err) {
      setError(toUiError(err, ['from', 'to', 'format', 'area']));
    }
  };

  return (
    <section className="panel" aria-labelledby="report-title">
      <h2 id="report-title">Anomaly and alarm report</h2>
      <form className="filters" onSubmit={submit} noValidate>
        <DateTimeField field={fromField} required />
        <DateTimeField field={toField} required />
        <label>
          Area
          <select name="area" defaultValue="">
            <option value="">All areas</option>
            {(areas.data ?? []).map((a) => (
              <option key={a} value={a}>
                {a}
              </option>
            ))}
          </select>
        </label>
        {areas.error && <span className="field-error">Areas cannot be loaded ({areas.error.message}): only all areas can be chosen</span>}
        <label>
          Format
          <select name="format" defaultValue="pdf">
            <option value="pdf">PDF</option>
            <option value="csv">CSV</option>
            <option value="json">JSON</option>
          </select>
        </label>
        <button type="submit" className="primary" disabled={!!job && (job.state === 'queued' || job.state === 'running')}>
          Generate
        </button>
      </form>
      {error && (
        <p className="form-error" role="alert">
          {Object.values(error.fields)[0] ?? error.message}
        </p>
      )}
      {job && (
        <div role="status" className="report-job">
          <label>
            {job.state === 'done' ? 'Ready' : job.state === 'failed' ? 'Failed' : job.state === 'queued' ? 'Queued' : 'Generating'} <progress max={100} value={job.progress} /> {job.progress}%
          </label>
          {job.state === 'failed' && <p className="form-error">{job.error}</p>}
          {job.state === 'done' && job.download_url && (
            <p>
              <button type="button" className="primary" onClick={() => void downloadFile(job.download_url!, {}, `idm-report.${job.format}`).catch((err) => setError(toUiError(err)))}>
                Download {job.format.toUpperCase()}
              </button>{' '}
              <span className="muted">kept until {dateTime(job.expires_at)}</span>
            </p>
          )}
        </div>
      )}
    </section>
  );
}

function Subscriptions({ confirm }: { confirm(text: string): boolean }) {
  const subs = useResource(listSubscriptions, 'subs');
  const [error, setError] = useState<UiError | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  // Typed cron, checked and read out in words as it changes; the server's word on it stands until it is edited.
  const [cron, setCron] = useState(DEFAULT_CRON);
  const cronError = cronProblem(cron) ?? error?.fields.cron;

  const act = async (fn: () => Promise<unknown>, done: string) => {
    setError(null);
    try {
      await fn();
      setNotice(done);
      subs.reload();
    } catch (err) {
      setError(toUiError(err));
    }
  };

  const [sending, setSending] = useState<string | null>(null);
  const sendNow = async (id: string, name: string, recipients: string[]) => {
    setError(null);
    setSending(id);
    try {
      const r = await sendDigestNow(id);
      // A digest with nothing to say is skipped by the server: say why rather than claim it was sent.
      // The name quoted (it read "Digest Morning digest sent.") and who got it, so the sender knows where to look.
      setNotice(r.delivery_ids.length ? `Digest “${name}” sent to ${recipients.join(', ')}.` : `Digest “${name}” not sent: ${r.skipped_reason ?? 'nothing to report'}.`);
      subs.reload();
    } catch (err) {
      setError(toUiError(err));
    } finally {
      setSending(null);
    }
  };

  const create = async (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const form = e.currentTarget;
    const f = new FormData(form);
    if (cronProblem(cron)) {
      (form.elements.namedItem('cron') as HTMLInputElement).focus();
      return; // the field already says what is wrong
    }
    setError(null);
    try {
      const s = await createSubscription({
        name: String(f.get('name')),
        recipients: String(f.get('recipients')).split(/[,;\s]+/).filter(Boolean),
        cron,
        time_zone: timeZone,
        format: String(f.get('format')) as DigestAttachmentFormat,
        critical_immediate: f.get('critical_immediate') === 'on',
      });
      setNotice(`Subscription ${s.name} created; next digest ${dateTime(s.next_run_at)}.`);
      form.reset();
      setCron(DEFAULT_CRON);
      subs.reload();
    } catch (err) {
      setError(toUiError(err, ['name', 'recipients', 'cron', 'format']));
    }
  };

  // Schedules run in the user's time zone (their setting, else this browser's; the server keeps it with the subscription).
  const timeZone = displayTimeZone();
  if (subs.error?.status === 404) return <p className="panel muted">Notification subscriptions are not available on this server yet.</p>;
  return (
    <section className="panel" aria-labelledby="subs-title">
      <h2 id="subs-title">E-mail digests</h2>
      {notice && <p className="notice">{notice}</p>}
      {subs.error && <p className="form-error">{subs.error.message}</p>}
      <table className="grid">
        <thead>
          <tr>
            <th scope="col">Name</th>
            <th scope="col">Recipients</th>
            <th scope="col">Schedule</th>
            <th scope="col">Attachment</th>
            <th scope="col">Next</th>
            <th scope="col">Last sent</th>
            <th scope="col">Actions</th>
          </tr>
        </thead>
        <tbody>
          {subs.data?.length === 0 && (
            <tr>
              <td colSpan={7} className="muted">
                No digests yet. A digest e-mails the alarms since the previous one, on the schedule you set below.
              </td>
            </tr>
          )}
          {(subs.data ?? []).map((s) => (
            <tr key={s.id}>
              <td>
                {s.name} {!s.enabled && <strong>(paused)</strong>}
              </td>
              <td>{s.recipients.join(', ')}</td>
              <td>
                {cronWords(s.cron) && <span className="cron-words">{cronWords(s.cron)} </span>}
                <code>{s.cron}</code> {s.time_zone}
              </td>
              <td>{s.format}</td>
              <td className="num">{dateTime(s.next_run_at)}</td>
              <td className="num">{dateTime(s.last_sent_at)}</td>
              <td>
                <button type="button" disabled={sending === s.id} onClick={() => void sendNow(s.id, s.name, s.recipients)}>
                  {sending === s.id ? 'Sending…' : 'Send now'}
                </button>{' '}
                <button type="button" onClick={() => void act(() => setSubscriptionEnabled(s.id, !s.enabled), `${s.name} ${s.enabled ? 'paused' : 'resumed'}.`)}>
                  {s.enabled ? 'Pause' : 'Resume'}
                </button>{' '}
                {/* Asked first: a digest cannot be brought back, and its recipients just stop getting mail. */}
                <button
                  type="button"
                  onClick={() =>
                    confirm(`Delete the digest ${s.name}? ${s.recipients.join(', ')} will no longer get it; this cannot be undone (Pause stops it for now).`) &&
                    void act(() => deleteSubscription(s.id), `${s.name} deleted.`)
                  }
                >
                  Delete
                </button>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <h3>New digest</h3>
      <form className="filters" onSubmit={create} noValidate>
        <Field label="Name" name="name" required error={error?.fields.name} />
        <Field label="Recipients (comma separated)" name="recipients" required size={30} error={error?.fields.recipients} />
        <Field
          label={`Schedule (cron, ${timeZone} time)`}
          name="cron"
          value={cron}
          onChange={(e) => {
            setCron(e.target.value);
            if (error?.fields.cron) setError(null);
          }}
          required
          title="minute hour day month weekday, e.g. 0 6,14,22 * * * for every shift change"
          error={cronError}
          hint={cronError ? undefined : (cronWords(cron) ?? 'custom schedule')}
        />
        <label>
          Attachment
          <select name="format" defaultValue="pdf">
            <option value="pdf">PDF</option>
            <option value="csv">CSV</option>
            <option value="none">none</option>
          </select>
        </label>
        <label className="check">
          <input type="checkbox" name="critical_immediate" /> Also e-mail critical alarms as they are raised
        </label>
        <button type="submit" className="primary">
          Subscribe
        </button>
      </form>
      {error && !Object.keys(error.fields).length && <p className="form-error">{error.message}</p>}
    </section>
  );
}
