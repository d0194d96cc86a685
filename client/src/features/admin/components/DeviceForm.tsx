import { useState, type FormEvent } from 'react';
import { DEVICE_PROTOCOLS, MQTT_MODES, OPCUA_SECURITY_MODES, OPCUA_SECURITY_POLICIES, type DeviceDto, type DeviceProtocol } from '@idm/contracts';
import { Field } from '../../../components/ui/Field';
import { toUiError, type UiError } from '../../../lib/errors';
import { createDevice, updateDevice } from '../api/devices';

const NUMBERS = new Set(['port', 'unit_id', 'poll_interval_ms', 'block_gap', 'timeout_ms', 'publishing_interval_ms']);
/** The protocols the form offers (the registry refuses the others). */
const FIELDS: Partial<Record<DeviceProtocol, readonly string[]>> = {
  modbus: ['host', 'port', 'unit_id', 'poll_interval_ms', 'block_gap', 'timeout_ms'],
  opcua: ['endpoint_url', 'security_mode', 'security_policy', 'username', 'password', 'publishing_interval_ms', 'timeout_ms'],
  mqtt: ['broker_url', 'client_id', 'mode', 'group_id', 'host_id', 'username', 'password', 'tls_ca', 'timeout_ms', 'auto_adopt'],
};
const PROTOCOL_NAMES: Record<DeviceProtocol, string> = { modbus: 'Modbus TCP', opcua: 'OPC UA', mqtt: 'MQTT / Sparkplug B' };

/**
 * Adds a device or changes one, with the settings of its protocol: a Modbus PLC's address, unit and poll
 * interval, an OPC UA server's endpoint, security and credentials, or an MQTT broker's URL, session, mode
 * (plain topics or Sparkplug B group) and credentials. The password is write-only: the form
 * never shows the stored one, and leaving it empty keeps it.
 */
export function DeviceForm({ device, onSaved, onCancel }: { device?: DeviceDto; onSaved: (d: DeviceDto) => void; onCancel: () => void }) {
  const [protocol, setProtocol] = useState<DeviceProtocol>(device?.protocol ?? 'modbus');
  const [error, setError] = useState<UiError | null>(null);
  const [busy, setBusy] = useState(false);
  const d = (device ?? {}) as Record<string, unknown>;
  const value = (k: string) => (d[k] === undefined || d[k] === null ? undefined : String(d[k]));

  const submit = async (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const f = new FormData(e.currentTarget);
    const body: Record<string, unknown> = { name: f.get('name'), enabled: f.get('enabled') === 'on' };
    if (!device) {
      body.protocol = protocol;
      if (f.get('id')) body.id = f.get('id');
    }
    for (const k of FIELDS[protocol] ?? []) {
      if (k === 'auto_adopt') continue; // JSON, below
      const v = String(f.get(k) ?? '').trim();
      if (!v) {
        // Left empty: the default (the password: the stored one). An emptied user name goes back to anonymous.
        if (k === 'username' && device && d.username !== undefined) body.username = null;
        continue;
      }
      body[k] = NUMBERS.has(k) && /^-?\d+$/.test(v) ? Number(v) : v;
    }
    if (protocol === 'mqtt') {
      // Sparkplug auto-adoption rules as JSON (the server checks each rule and names the field); emptied: none.
      const rules = String(f.get('auto_adopt') ?? '').trim();
      if (rules) {
        try {
          body.auto_adopt = JSON.parse(rules);
        } catch (err) {
          setError({ message: 'Auto-adopt rules are not JSON', fields: { auto_adopt: `not JSON: ${(err as Error).message}` }, status: null });
          return;
        }
      } else if (device && d.auto_adopt !== undefined) body.auto_adopt = [];
    }
    setBusy(true);
    setError(null);
    try {
      onSaved(device ? await updateDevice(device.id, body) : await createDevice(body));
    } catch (err) {
      setError(fieldErrors(toUiError(err)));
    } finally {
      setBusy(false);
    }
  };

  const fieldError = (k: string) => error?.fields[k];
  const title = device ? `Change device ${device.id}` : 'Add a device';
  return (
    <form className="device-form" onSubmit={submit} noValidate aria-label={title}>
      <h3>{title}</h3>
      <div className="filters">
        <label>
          Protocol
          <select name="protocol" value={protocol} disabled={!!device} onChange={(e) => setProtocol(e.target.value as DeviceProtocol)}>
            {DEVICE_PROTOCOLS.filter((p) => FIELDS[p]).map((p) => (
              <option key={p} value={p}>
                {PROTOCOL_NAMES[p]}
              </option>
            ))}
          </select>
        </label>
        {!device && <Field label="Id" name="id" placeholder="made from the name" error={fieldError('id')} />}
        <Field label="Name" name="name" required defaultValue={value('name')} error={fieldError('name')} />
        <label>
          <input type="checkbox" name="enabled" defaultChecked={device?.enabled ?? true} /> Enabled
        </label>
      </div>
      {protocol === 'modbus' ? (
        <div className="filters" key="modbus">
          <Field label="Host" name="host" required defaultValue={value('host')} error={fieldError('host')} />
          <Field label="Port" name="port" inputMode="numeric" placeholder="502" defaultValue={value('port')} error={fieldError('port')} />
          <Field label="Unit id" name="unit_id" inputMode="numeric" placeholder="1" defaultValue={value('unit_id')} error={fieldError('unit_id')} />
          <Field label="Poll interval (ms)" name="poll_interval_ms" inputMode="numeric" placeholder="1000" defaultValue={value('poll_interval_ms')} error={fieldError('poll_interval_ms')} />
          <Field label="Block gap" name="block_gap" inputMode="numeric" placeholder="8" defaultValue={value('block_gap')} error={fieldError('block_gap')} />
          <Field label="Timeout (ms)" name="timeout_ms" inputMode="numeric" placeholder="1000" defaultValue={value('timeout_ms')} error={fieldError('timeout_ms')} />
        </div>
      ) : protocol === 'mqtt' ? (
        <div className="filters" key="mqtt">
          <Field label="Broker URL" name="broker_url" required placeholder="mqtt://broker:1883" size={30} defaultValue={value('broker_url')} error={fieldError('broker_url')} />
          <Field label="Client id" name="client_id" required placeholder="idm" defaultValue={value('client_id')} error={fieldError('client_id')} />
          <Choice label="Mode" name="mode" options={MQTT_MODES} defaultValue={value('mode') ?? 'sparkplug'} error={fieldError('mode')} />
          <Field label="Sparkplug group id" name="group_id" placeholder="sparkplug only" defaultValue={value('group_id')} error={fieldError('group_id')} />
          <Field label="Host id" name="host_id" placeholder="sparkplug only" defaultValue={value('host_id')} error={fieldError('host_id')} />
          <Field label="User name" name="username" autoComplete="off" placeholder="anonymous" defaultValue={value('username')} error={fieldError('username')} />
          <Field
            label="Password"
            name="password"
            type="password"
            autoComplete="new-password"
            placeholder={device && 'password_set' in device && device.password_set ? 'stored (leave empty to keep)' : ''}
            error={fieldError('password')}
          />
          <Field label="TLS CA (path or PEM)" name="tls_ca" placeholder="mqtts:// only" defaultValue={value('tls_ca')} error={fieldError('tls_ca')} />
          <Field label="Timeout (ms)" name="timeout_ms" inputMode="numeric" placeholder="10000" defaultValue={value('timeout_ms')} error={fieldError('timeout_ms')} />
          <div className="field">
            <label>
              Auto-adopt rules (JSON, sparkplug only)
              <textarea
                name="auto_adopt"
                rows={3}
                cols={60}
                placeholder='[{"match": "line1/*/*", "sensor_id": "{edge_node}.{device}.{metric}", "area": "Line 1", "alarm_priority": "high"}]'
                defaultValue={d.auto_adopt === undefined ? undefined : JSON.stringify(d.auto_adopt, null, 2)}
                aria-invalid={!!fieldError('auto_adopt')}
              />
            </label>
            {fieldError('auto_adopt') && (
              <p className="field-error" role="alert">
                {fieldError('auto_adopt')}
              </p>
            )}
          </div>
        </div>
      ) : (
        <div className="filters" key="opcua">
          <Field label="Endpoint URL" name="endpoint_url" required placeholder="opc.tcp://host:4840/path" size={36} defaultValue={value('endpoint_url')} error={fieldError('endpoint_url')} />
          <Choice label="Security mode" name="security_mode" options={OPCUA_SECURITY_MODES} defaultValue={value('security_mode') ?? 'None'} error={fieldError('security_mode')} />
          <Choice label="Security policy" name="security_policy" options={OPCUA_SECURITY_POLICIES} defaultValue={value('security_policy') ?? 'None'} error={fieldError('security_policy')} />
          <Field label="User name" name="username" autoComplete="off" placeholder="anonymous" defaultValue={value('username')} error={fieldError('username')} />
          <Field
            label="Password"
            name="password"
            type="password"
            autoComplete="new-password"
            placeholder={device && 'password_set' in device && device.password_set ? 'stored (leave empty to keep)' : ''}
            error={fieldError('password')}
          />
          <Field label="Publishing interval (ms)" name="publishing_interval_ms" inputMode="numeric" placeholder="1000" defaultValue={value('publishing_interval_ms')} error={fieldError('publishing_interval_ms')} />
          <Field label="Timeout (ms)" name="timeout_ms" inputMode="numeric" placeholder="10000" defaultValue={value('timeout_ms')} error={fieldError('timeout_ms')} />
        </div>
      )}
      <div className="filters">
        <button type="submit" className="primary" disabled={busy}>
          {busy ? 'Saving…' : device ? 'Save' : 'Add device'}
        </button>
        <button type="button" onClick={onCancel}>
          Cancel
        </button>
      </div>
      {error && !Object.keys(error.fields).some((k) => k === 'id' || k === 'name' || (FIELDS[protocol] ?? []).includes(k)) && (
        <p className="form-error" role="alert">
          {error.message}
        </p>
      )}
    </form>
  );
}

function Choice({ label, name, options, defaultValue, error }: { label: string; name: string; options: readonly string[]; defaultValue: string; error?: string }) {
  return (
    <div className="field">
      <label>
        {label}
        <select name={name} defaultValue={defaultValue} aria-invalid={!!error}>
          {options.map((o) => (
            <option key={o} value={o}>
              {o}
            </option>
          ))}
        </select>
      </label>
      {error && (
        <p className="field-error" role="alert">
          {error}
        </p>
      )}
    </div>
  );
}

/** The server names a field as `host` (request rules) or `devices[plc-01].host` (registry rules): show it under `host`. */
function fieldErrors(e: UiError): UiError {
  const fields: Record<string, string> = {};
  for (const [path, msg] of Object.entries(e.fields)) {
    // A rule's field (`devices[mq-01].auto_adopt[0].match`) shows under the rules.
    const leaf = /(^|\.)auto_adopt\b/.test(path) ? 'auto_adopt' : (path.split('.').pop() as string);
    if (!fields[leaf]) fields[leaf] = msg;
  }
  return { ...e, fields };
}
