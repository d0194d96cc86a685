import { useEffect, useState } from 'react';
import type { OpcuaBrowseNodeDto, OpcuaDeviceDto } from '@idm/contracts';
import { toUiError, type UiError } from '../../../lib/errors';
import { browseDevice, createTag } from '../api/devices';

/** A variable picked in the tree, with the folder it was found in (its default area). */
interface Picked {
  node: OpcuaBrowseNodeDto;
  parent: string;
}

/** What "Add as tags" sends for one variable; the admin may change every field before submitting. */
interface Draft {
  node_id: string;
  sensor_id: string;
  area: string;
  unit: string;
  physical_min?: number;
  physical_max?: number;
}

/** A sensor id from a browse name: the namespace prefix dropped, characters a sensor id cannot hold replaced. */
export function sensorIdOf(browseName: string): string {
  return browseName.replace(/^\d+:/, '').replace(/[^A-Za-z0-9_.-]+/g, '_');
}

function draftOf({ node, parent }: Picked): Draft {
  return {
    node_id: node.node_id,
    sensor_id: sensorIdOf(node.browse_name),
    area: parent,
    unit: node.engineering_units ?? '',
    physical_min: node.eu_range?.low,
    physical_max: node.eu_range?.high,
  };
}

/**
 * An OPC UA server's address space as a tree (folders and objects open on demand); the admin ticks the
 * variables IDM can read and adds them as tags, sensor id, area and unit prefilled from the browse name,
 * the folder and the EngineeringUnits property (physical range from EURange), through the tags API.
 */
export function OpcuaBrowser({ device, onAdded, onClose }: { device: OpcuaDeviceDto; onAdded(): void; onClose(): void }) {
  const [children, setChildren] = useState<Record<string, OpcuaBrowseNodeDto[] | 'loading'>>({});
  const [open, setOpen] = useState<Set<string>>(new Set());
  const [picked, setPicked] = useState<Map<string, Picked>>(new Map());
  const [drafts, setDrafts] = useState<Draft[] | null>(null);
  const [error, setError] = useState<UiError | null>(null);
  const [added, setAdded] = useState<string[]>([]);
  const [busy, setBusy] = useState(false);
  const ROOT = '';

  const load = async (nodeId: string) => {
    setChildren((c) => ({ ...c, [nodeId]: 'loading' }));
    setError(null);
    try {
      const nodes = await browseDevice(device.id, nodeId || undefined);
      setChildren((c) => ({ ...c, [nodeId]: nodes }));
    } catch (err) {
      setChildren((c) => {
        const { [nodeId]: _dropped, ...rest } = c;
        return rest;
      });
      setError(toUiError(err));
    }
  };

  useEffect(() => {
    void load(ROOT);
    // eslint-disable-next-line react-hooks/exhaustive-deps -- the top level once per device
  }, [device.id]);

  const toggle = (nodeId: string) => {
    const next = new Set(open);
    if (next.has(nodeId)) next.delete(nodeId);
    else {
      next.add(nodeId);
      if (!children[nodeId]) void load(nodeId);
    }
    setOpen(next);
  };

  const pick = (node: OpcuaBrowseNodeDto, parent: string, on: boolean) => {
    const next = new Map(picked);
    if (on) next.set(node.node_id, { node, parent });
    else next.delete(node.node_id);
    setPicked(next);
  };

  const submit = async () => {
    if (!drafts) return;
    setBusy(true);
    setError(null);
    const done: string[] = [];
    try {
      for (const d of drafts) {
        await createTag({
          sensor_id: d.sensor_id,
          device_id: device.id,
          area: d.area,
          unit: d.unit,
          source: { node_id: d.node_id },
          ...(d.physical_min !== undefined && d.physical_max !== undefined ? { physical_min: d.physical_min, physical_max: d.physical_max } : {}),
        });
        done.push(d.sensor_id);
      }
      setDrafts(null);
      setPicked(new Map());
    } catch (err) {
      // Tags added before the refusal stay; the form keeps the rest for the admin to fix.
      setDrafts(drafts.filter((d) => !done.includes(d.sensor_id)));
      setError(toUiError(err));
    } finally {
      setAdded((a) => [...a, ...done]);
      setBusy(false);
      if (done.length) onAdded();
    }
  };

  // `path`: the nodes above, so a reference cycle in the server's address space is not followed forever.
  const renderLevel = (nodeId: string, parentName: string, path: readonly string[]) => {
    const level = children[nodeId];
    if (level === 'loading') return <li className="muted">Loading…</li>;
    if (!level) return null;
    if (!level.length) return <li className="muted">(empty)</li>;
    return level.map((n) =>
      n.node_class === 'Object' ? (
        <li key={n.node_id}>
          <button type="button" aria-expanded={open.has(n.node_id)} disabled={path.includes(n.node_id)} onClick={() => toggle(n.node_id)}>
            {open.has(n.node_id) ? '▾' : '▸'} {n.display_name}
          </button>{' '}
          <span className="muted">{n.node_id}</span>
          {open.has(n.node_id) && !path.includes(n.node_id) && <ul aria-label={`${n.display_name} children`}>{renderLevel(n.node_id, n.display_name, [...path, n.node_id])}</ul>}
        </li>
      ) : (
        <li key={n.node_id}>
          <label>
            <input type="checkbox" disabled={!n.readable} checked={picked.has(n.node_id)} onChange={(e) => pick(n, parentName, e.target.checked)} /> {n.display_name}
          </label>{' '}
          <span className="muted">
            {n.node_id} · {n.data_type ?? '?'}
            {n.value_rank !== undefined && n.value_rank >= 0 ? ' array' : ''}
            {n.engineering_units ? ` · ${n.engineering_units}` : ''}
            {!n.readable ? ' · not readable as a tag' : ''}
          </span>
        </li>
      ),
    );
  };

  return (
    <section className="panel" aria-label={`Browse ${device.id}`}>
      <h3>
        Browse {device.name} <span className="muted">{device.endpoint_url}</span>
      </h3>
      {error && (
        <div className="form-error" role="alert">
          <p>{error.message}</p>
          {Object.entries(error.fields).map(([field, msg]) => (
            <p key={field}>
              <code>{field}</code>: {msg}
            </p>
          ))}
        </div>
      )}
      {added.length > 0 && (
        <p className="notice" role="status">
          Added {added.length} tag(s): {added.join(', ')}
        </p>
      )}
      <ul aria-label="Address space">{renderLevel(ROOT, device.name, [ROOT])}</ul>
      <p>
        <button type="button" className="primary" disabled={!picked.size} onClick={() => setDrafts([...picked.values()].map(draftOf))}>
          Add as tags ({picked.size})
        </button>{' '}
        <button type="button" onClick={onClose}>
          Close
        </button>
      </p>
      {drafts && drafts.length > 0 && (
        <form
          aria-label="New tags"
          onSubmit={(e) => {
            e.preventDefault();
            void submit();
          }}
        >
          <table className="grid">
            <thead>
              <tr>
                <th scope="col">Node</th>
                <th scope="col">Sensor id</th>
                <th scope="col">Area</th>
                <th scope="col">Unit</th>
                <th scope="col">Range</th>
              </tr>
            </thead>
            <tbody>
              {drafts.map((d, i) => {
                const set = (field: 'sensor_id' | 'area' | 'unit', value: string) => setDrafts(drafts.map((x, k) => (k === i ? { ...x, [field]: value } : x)));
                return (
                  <tr key={d.node_id}>
                    <td>{d.node_id}</td>
                    <td>
                      <input aria-label={`Sensor id of ${d.node_id}`} value={d.sensor_id} onChange={(e) => set('sensor_id', e.target.value)} required />
                    </td>
                    <td>
                      <input aria-label={`Area of ${d.node_id}`} value={d.area} onChange={(e) => set('area', e.target.value)} required />
                    </td>
                    <td>
                      <input aria-label={`Unit of ${d.node_id}`} value={d.unit} onChange={(e) => set('unit', e.target.value)} size={6} />
                    </td>
                    <td className="num">{d.physical_min !== undefined ? `${d.physical_min} … ${d.physical_max}` : '—'}</td>
                  </tr>
                );
              })}
            </tbody>
          </table>
          <button type="submit" className="primary" disabled={busy}>
            {busy ? 'Adding…' : `Add ${drafts.length} tag(s)`}
          </button>{' '}
          <button type="button" onClick={() => setDrafts(null)}>
            Cancel
          </button>
        </form>
      )}
    </section>
  );
}
