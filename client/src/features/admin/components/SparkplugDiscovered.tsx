import { useEffect, useState } from 'react';
import type { MqttDeviceDto, SparkplugMetricDto } from '@idm/contracts';
import { toUiError, type UiError } from '../../../lib/errors';
import { createTag, listDiscoveredMetrics } from '../api/devices';
import { sensorIdOf } from './OpcuaBrowser';

const keyOf = (m: SparkplugMetricDto) => `${m.edge_node_id}/${m.device_id ?? ''}/${m.name}`;

/**
 * The metrics a Sparkplug B device's edge nodes announced in their births, each with the tag bound to it;
 * a metric not adopted yet gets a sensor id (from its name) and an area (its edge node), both editable,
 * and **Adopt** creates the tag through `POST /tags`.
 */
export function SparkplugDiscovered({ device, onAdded, onClose }: { device: MqttDeviceDto; onAdded: () => void; onClose: () => void }) {
  const [metrics, setMetrics] = useState<SparkplugMetricDto[] | null>(null);
  const [drafts, setDrafts] = useState<Record<string, { sensor_id: string; area: string }>>({});
  const [error, setError] = useState<UiError | null>(null);
  const [reload, setReload] = useState(0);

  useEffect(() => {
    listDiscoveredMetrics(device.id).then(setMetrics, (err: unknown) => setError(toUiError(err)));
  }, [device.id, reload]);

  const draft = (m: SparkplugMetricDto) => drafts[keyOf(m)] ?? { sensor_id: sensorIdOf(m.name), area: m.edge_node_id };
  const edit = (m: SparkplugMetricDto, field: 'sensor_id' | 'area', value: string) => setDrafts({ ...drafts, [keyOf(m)]: { ...draft(m), [field]: value } });
  const adopt = async (m: SparkplugMetricDto) => {
    setError(null);
    try {
      const d = draft(m);
      const source = { edge_node_id: m.edge_node_id, ...(m.device_id !== undefined ? { device_id: m.device_id } : {}), metric: m.name };
      await createTag({ sensor_id: d.sensor_id, device_id: device.id, area: d.area, unit: m.unit ?? '', source });
      onAdded();
      setReload(reload + 1);
    } catch (err) {
      setError(toUiError(err));
    }
  };

  return (
    <section className="panel" aria-label={`Discovered metrics of ${device.id}`}>
      <h3>Discovered metrics: {device.name}</h3>
      {error && (
        <p className="form-error" role="alert">
          {error.message}
        </p>
      )}
      {metrics && !metrics.length && <p>No births seen yet since the connection started.</p>}
      {metrics && metrics.length > 0 && (
        <table>
          <thead>
            <tr>
              <th>Edge node</th>
              <th>Device</th>
              <th>Metric</th>
              <th>Type</th>
              <th>Unit</th>
              <th>Tag</th>
            </tr>
          </thead>
          <tbody>
            {metrics.map((m) => (
              <tr key={keyOf(m)}>
                <td>{m.edge_node_id}</td>
                <td>{m.device_id ?? '—'}</td>
                <td>{m.name}</td>
                <td>{m.datatype ?? '—'}</td>
                <td>{m.unit ?? '—'}</td>
                <td>
                  {m.sensor_id ?? (
                    <>
                      <input aria-label={`Sensor id for ${m.name}`} value={draft(m).sensor_id} onChange={(e) => edit(m, 'sensor_id', e.target.value)} />{' '}
                      <input aria-label={`Area for ${m.name}`} value={draft(m).area} onChange={(e) => edit(m, 'area', e.target.value)} />{' '}
                      <button type="button" onClick={() => void adopt(m)}>
                        Adopt
                      </button>
                    </>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <button type="button" onClick={onClose}>
        Close
      </button>
    </section>
  );
}
