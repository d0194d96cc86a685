import { useState, type FormEvent } from 'react';
import type { DeviceDto, ImportResultDto, MqttDeviceDto, OpcuaDeviceDto, TagDto, TagSource } from '@idm/contracts';
import { isMqttBinding } from '@idm/contracts';
import { useAuth } from '../../../lib/auth';
import { dateTime, dayTime } from '../../../lib/format';
import { downloadFile } from '../../../lib/download';
import { toUiError, type UiError } from '../../../lib/errors';
import { useResource } from '../../../lib/use-resource';
import { getTags } from '../../../lib/tags-api';
import { importDeviceFile, listDevices, listDeviceStatuses } from '../api/devices';
import { DeviceForm } from './DeviceForm';
import { TagForm } from './TagForm';
import { OpcuaBrowser } from './OpcuaBrowser';
import { OpcuaCertificates } from './OpcuaCertificates';
import { SparkplugDiscovered } from './SparkplugDiscovered';
import { ImportRemovalDialog, type RemovalNames } from './ImportRemovalDialog';
import { getAssets } from '../../../lib/assets-api';

/** What a device's request count is in its protocol: Modbus requests per poll, OPC UA monitored items, MQTT subscriptions. */
function requestsText(d: DeviceDto, n: number): string {
  if (d.protocol === 'opcua') return `${n} monitored`;
  if (d.protocol === 'mqtt') return `${n} subscribed`;
  return `${n}/poll`;
}

/**
 * Admin: devices with their poller state, their tags, and import/export of the device file (a replace that
 * would remove devices or tags lists them and asks first).
 */
export function DevicesPage() {
  const { can } = useAuth();
  // Asked before any request: behind this text a non-admin still polled the devices' status every 5 s.
  if (!can('admin')) return <p className="panel">Only admins manage devices.</p>;
  return <DevicesAdmin />;
}

/** A replace import waiting for the admin's answer: what it would remove, and how to run it. */
interface PendingReplace {
  preview: ImportResultDto;
  names: RemovalNames;
  run(): Promise<void>;
}

function DevicesAdmin() {
  const devices = useResource(listDevices, 'devices');
  const statuses = useResource(listDeviceStatuses, 'statuses', 5000);
  const tags = useResource(getTags, 'tags');
  const [result, setResult] = useState<ImportResultDto | null>(null);
  const [cancelled, setCancelled] = useState(false);
  const [error, setError] = useState<UiError | null>(null);
  const [busy, setBusy] = useState(false);
  const [pending, setPending] = useState<PendingReplace | null>(null);
  const [query, setQuery] = useState('');
  /** The device being changed, `'new'` while adding one, null when the form is closed. */
  const [editing, setEditing] = useState<DeviceDto | 'new' | null>(null);
  /** The OPC UA device whose address space is open in the browser. */
  const [browsing, setBrowsing] = useState<OpcuaDeviceDto | null>(null);
  const [discovering, setDiscovering] = useState<MqttDeviceDto | null>(null);
  /** The tag being changed on screen. */
  const [editingTag, setEditingTag] = useState<TagDto | null>(null);

  const statusOf = new Map((statuses.data ?? []).map((s) => [s.device_id, s]));
  const allTags = tags.data ?? [];
  const deviceNames = new Map((devices.data ?? []).map((d) => [d.id, d.name]));
  const shownTags = filterTags(allTags, query, deviceNames);

  const upload = async (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const f = new FormData(e.currentTarget);
    const file = (e.currentTarget.elements.namedItem('file') as HTMLInputElement | null)?.files?.[0];
    if (!file?.size) {
      setError({ message: 'Choose a device file (.json or .yaml) first', fields: {}, status: null });
      return;
    }
    setBusy(true);
    setError(null);
    setResult(null);
    setCancelled(false);
    const fail = (err: unknown) => setError(err instanceof SyntaxError ? { message: `The file is not valid JSON: ${err.message}`, fields: {}, status: null } : toUiError(err));
    try {
      const mode = f.get('mode') === 'replace' ? 'replace' : 'merge';
      const text = await readText(file);
      const run = async () => {
        setResult(await importDeviceFile(file.name, text, mode));
        devices.reload();
        tags.reload();
      };
      if (mode === 'replace') {
        const preview = await importDeviceFile(file.name, text, mode, true);
        if (preview.removed_devices.length || preview.removed_tags.length || preview.removed_assets.length) {
          // Asked in the page's own dialog; the import runs (or not) on the admin's answer.
          setPending({ preview, names: await removalNames(preview, devices.data ?? [], allTags), run });
          return;
        }
      }
      await run();
    } catch (err) {
      fail(err);
    } finally {
      setBusy(false);
    }
  };
  const answer = async (go: boolean) => {
    const p = pending;
    setPending(null);
    if (!p) return;
    if (!go) {
      setCancelled(true);
      return;
    }
    setBusy(true);
    try {
      await p.run();
    } catch (err) {
      setError(toUiError(err));
    } finally {
      setBusy(false);
    }
  };

  const details = error?.fields ?? {};
  return (
    <>
      <section className="panel" aria-labelledby="import-title">
        <h2 id="import-title">Device file</h2>
        <form className="filters" onSubmit={upload}>
          <label>
            File (JSON or YAML) <input type="file" name="file" accept=".json,.yaml,.yml" />
          </label>
          <label>
            Mode
            <select name="mode" defaultValue="merge">
              <option value="merge">merge (add and update)</option>
              <option value="replace">replace (also remove what is not in the file)</option>
            </select>
          </label>
          <button type="submit" className="primary" disabled={busy}>
            {busy ? 'Importing…' : 'Import'}
          </button>
          <button type="button" onClick={() => void downloadFile('/devices/export', { format: 'yaml' }, 'idm-devices.yaml').catch((err) => setError(toUiError(err)))}>
            Export YAML
          </button>
        </form>
        {result && (
          <p className="notice" role="status">
            Imported {result.devices} device(s), {result.tags} tag(s) and {result.assets} asset(s) ({result.mode}).
            {result.removed_devices.length + result.removed_tags.length + result.removed_assets.length > 0 &&
              ` Removed ${result.removed_devices.length} device(s), ${result.removed_tags.length} tag(s) and ${result.removed_assets.length} asset(s).`}{' '}
            {result.changed_devices.length ? `Restarted: ${result.changed_devices.join(', ')}.` : 'Nothing changed: no device restarted.'}
          </p>
        )}
        {pending && <ImportRemovalDialog preview={pending.preview} names={pending.names} onCancel={() => void answer(false)} onConfirm={() => void answer(true)} />}
        {cancelled && (
          <p className="notice" role="status">
            Import cancelled: nothing was changed.
          </p>
        )}
        {error && (
          <div className="form-error" role="alert">
            <p>{error.message}</p>
            {Object.keys(details).length > 0 && (
              <ul>
                {Object.entries(details).map(([field, msg]) => (
                  <li key={field}>
                    <code>{field}</code>: {msg}
                  </li>
                ))}
              </ul>
            )}
          </div>
        )}
      </section>
      <section className="panel" aria-labelledby="devices-title">
        <h2 id="devices-title">Devices</h2>
        {editing ? (
          <DeviceForm
            key={editing === 'new' ? 'new' : editing.id}
            device={editing === 'new' ? undefined : editing}
            onSaved={() => {
              setEditing(null);
              devices.reload();
            }}
            onCancel={() => setEditing(null)}
          />
        ) : (
          <p>
            <button type="button" onClick={() => setEditing('new')}>
              Add device
            </button>
          </p>
        )}
        <table className="grid">
          <thead>
            <tr>
              <th scope="col">Device</th>
              <th scope="col">Address</th>
              <th scope="col" className="num">Interval</th>
              <th scope="col">State</th>
              <th scope="col" title="Modbus: the last poll that read every block; OPC UA and MQTT: the last value received">Last good read</th>
              <th scope="col" className="num" title="Modbus: requests per poll; OPC UA: monitored items; MQTT: subscriptions">Requests</th>
              <th scope="col" className="num">Errors</th>
              <th scope="col" className="num">Tags</th>
            </tr>
          </thead>
          <tbody>
            {devices.data?.length === 0 && (
              <tr>
                <td colSpan={8} className="muted">
                  No devices yet: import a device file above (devices, tags and assets in one go), or add one with “Add device”.
                </td>
              </tr>
            )}
            {(devices.data ?? []).map((d) => {
              const s = statusOf.get(d.id);
              return (
                <tr key={d.id}>
                  <td>
                    <strong>{d.name}</strong> <span className="muted">{d.id}</span>{' '}
                    <button type="button" aria-label={`Change ${d.id}`} onClick={() => setEditing(d)}>
                      Change
                    </button>
                    {d.protocol === 'opcua' && (
                      <>
                        {' '}
                        <button type="button" aria-label={`Browse ${d.id}`} onClick={() => setBrowsing(d)}>
                          Browse
                        </button>
                      </>
                    )}
                    {d.protocol === 'mqtt' && d.mode === 'sparkplug' && (
                      <>
                        {' '}
                        <button type="button" aria-label={`Discovered ${d.id}`} onClick={() => setDiscovering(d)}>
                          Discovered
                        </button>
                      </>
                    )}
                  </td>
                  <td>{deviceAddress(d)}</td>
                  {/* A number with its unit and a state read as one word: at 1280 px "1000 / ms" and "✕ COMM / FAILURE" broke over two lines. */}
                  <td className="num one-line">{d.protocol === 'opcua' ? `${d.publishing_interval_ms} ms` : d.protocol === 'mqtt' ? 'on publish' : `${d.poll_interval_ms} ms`}</td>
                  <td className="one-line">{s?.state === 'comm_failure' ? <strong className="quality">✕ COMM FAILURE</strong> : (s?.state ?? '—')}</td>
                  <td className="num one-line" title={s?.last_good_poll_at ? dateTime(s.last_good_poll_at) : undefined}>{s?.last_good_poll_at ? dayTime(s.last_good_poll_at) : '—'}</td>
                  <td className="num">{s ? requestsText(d, s.requests_per_poll) : '—'}</td>
                  <td className="num">{s?.errors ?? '—'}</td>
                  <td className="num">{(tags.data ?? []).filter((t) => t.device_id === d.id).length}</td>
                </tr>
              );
            })}
          </tbody>
        </table>
        {discovering && <SparkplugDiscovered key={discovering.id} device={discovering} onAdded={() => tags.reload()} onClose={() => setDiscovering(null)} />}
        {browsing && <OpcuaBrowser key={browsing.id} device={browsing} onAdded={() => tags.reload()} onClose={() => setBrowsing(null)} />}
      </section>
      {(devices.data ?? []).some((d) => d.protocol === 'opcua') && <OpcuaCertificates />}
      <section className="panel" aria-labelledby="tags-title">
        <h2 id="tags-title">Tags</h2>
        <div className="filters">
          <label>
            Filter tags <input type="search" value={query} onChange={(e) => setQuery(e.target.value)} placeholder="sensor, description, area, device" size={32} />
          </label>
          <span role="status">
            {shownTags.length} of {allTags.length} tags
          </span>
        </div>
        {editingTag && (
          <TagForm
            key={editingTag.sensor_id}
            tag={editingTag}
            onSaved={() => {
              setEditingTag(null);
              tags.reload();
            }}
            onCancel={() => setEditingTag(null)}
          />
        )}
        <table className="grid">
          <thead>
            <tr>
              <th scope="col">Sensor</th>
              <th scope="col">Device</th>
              <th scope="col">Area</th>
              <th scope="col">Binding</th>
              <th scope="col">Read as</th>
              <th scope="col">Unit</th>
              <th scope="col">Limits (LL / L / H / HH)</th>
              <th scope="col">
                <span className="sr-only">Change</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {tags.data?.length === 0 && (
              <tr>
                <td colSpan={8} className="muted">
                  No tags yet: they come with a device file, or from a device’s Browse (OPC UA) or Discovered (Sparkplug) list.
                </td>
              </tr>
            )}
            {!shownTags.length && allTags.length > 0 && (
              <tr>
                <td colSpan={8} className="muted">
                  No tag matches “{query.trim()}”.
                </td>
              </tr>
            )}
            {shownTags.map((t) => (
              <tr key={t.sensor_id}>
                <td>
                  <strong>{t.sensor_id}</strong> <span className="muted">{t.description}</span>
                </td>
                {/* The device by its name, as every other screen names it (the id in the tooltip; the id alone while
                    the device list has not arrived or does not list it). */}
                <td title={t.device_id}>{deviceNames.get(t.device_id) ?? t.device_id}</td>
                <td>{t.area}</td>
                <td className="num">{bindingWhere(t.source)}</td>
                <td>{bindingHow(t.source)}</td>
                <td>{t.unit}</td>
                <td className="num">{[t.limits?.lolo, t.limits?.lo, t.limits?.hi, t.limits?.hihi].map((v) => v ?? '—').join(' / ')}</td>
                <td>
                  <button type="button" aria-label={`Change tag ${t.sensor_id}`} onClick={() => setEditingTag(t)}>
                    Change
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </section>
    </>
  );
}

/** Where IDM reaches a device: a Modbus PLC's address and unit, an OPC UA server's endpoint and security, an MQTT broker. */
export function deviceAddress(d: DeviceDto): string {
  if (d.protocol === 'opcua') return `${d.endpoint_url}${d.security_mode === 'None' ? '' : ` (${d.security_mode}, ${d.security_policy})`}`;
  if (d.protocol === 'mqtt') return `${d.broker_url} (${d.mode === 'sparkplug' ? `Sparkplug group ${d.group_id ?? ''}` : 'plain'})`;
  return `${d.host}:${d.port} unit ${d.unit_id}`;
}

/** Where a tag's value lives: Modbus area and address, the OPC UA node, the MQTT topic or Sparkplug metric. */
export function bindingWhere(s: TagSource): string {
  if (isMqttBinding(s)) return s.topic ?? `${[s.edge_node_id, s.device_id].filter(Boolean).join('/')} ${s.metric ?? ''}`;
  return 'node_id' in s ? s.node_id : `${s.register_type} ${s.address}`;
}

/** How it is read: the Modbus type and register orders, or the OPC UA sampling interval and deadband. */
export function bindingHow(s: TagSource): string {
  if (isMqttBinding(s)) return s.topic === undefined ? 'Sparkplug B' : s.value_path ? `JSON ${s.value_path}` : 'raw number';
  if ('node_id' in s) {
    const sampling = s.sampling_interval_ms !== undefined ? `every ${s.sampling_interval_ms} ms` : 'at publishing interval';
    const deadband = s.deadband_type && s.deadband_type !== 'none' ? `, deadband ${s.deadband_value}${s.deadband_type === 'percent' ? ' %' : ''}` : '';
    return `${sampling}${deadband}`;
  }
  const wide = s.data_type !== 'bool' && s.data_type !== 'int16' && s.data_type !== 'uint16';
  return `${s.data_type}${wide ? ` ${s.word_order}/${s.byte_order}` : ''}`;
}

/**
 * The tags whose sensor id, description, area or device (id or name) contain every word of `query`, in
 * any case ("boiler tt" finds the boiler house's temperature transmitters).
 */
function filterTags(tags: readonly TagDto[], query: string, deviceNames: ReadonlyMap<string, string>): readonly TagDto[] {
  const words = query.toLowerCase().split(/\s+/).filter(Boolean);
  if (!words.length) return tags;
  return tags.filter((t) => {
    const text = [t.sensor_id, t.description, t.area, t.device_id, deviceNames.get(t.device_id) ?? ''].join(' ').toLowerCase();
    return words.every((w) => text.includes(w));
  });
}

/**
 * Names for what a replace would remove: devices and tags from what this page has loaded (a tag by its
 * description, with its device's name when the device stays), assets from the server (ids alone if that fails).
 */
async function removalNames(r: ImportResultDto, devices: readonly DeviceDto[], tags: readonly TagDto[]): Promise<RemovalNames> {
  const deviceNames = new Map(devices.map((d) => [d.id, d.name]));
  const gone = new Set(r.removed_devices);
  const tagNames = new Map(
    tags.map((t) => {
      const of = !gone.has(t.device_id) && deviceNames.get(t.device_id);
      return [t.sensor_id, [t.description, of ? `on ${of}` : ''].filter(Boolean).join(' ')];
    }),
  );
  const assets = r.removed_assets.length ? await getAssets().catch(() => []) : [];
  return { devices: deviceNames, tags: tagNames, assets: new Map(assets.map((a) => [a.id, a.name])) };
}

/** A file's text through FileReader (Blob.text() is missing in older browsers and in jsdom). */
function readText(file: Blob): Promise<string> {
  return new Promise((resolve, reject) => {
    const reader = new FileReader();
    reader.onload = () => resolve(String(reader.result));
    reader.onerror = () => reject(reader.error ?? new Error('the file cannot be read'));
    reader.readAsText(file);
  });
}
