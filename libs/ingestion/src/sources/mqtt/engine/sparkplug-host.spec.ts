import { HostEvent, SparkplugHost } from './sparkplug-host';
import { normalizeSparkplugPayload, parseSparkplugTopic, SparkplugMessageType, SparkplugPayload } from './sparkplug-types';

const G = 'Plant';
const topic = (type: SparkplugMessageType, edgeNode = 'gw1', device?: string) => ({ group: G, type, edgeNode, ...(device ? { device } : {}) });
const tags = [
  { sensor_id: 'gw1.uptime', edge_node_id: 'gw1', metric: 'Uptime' },
  { sensor_id: 'boiler.temp', edge_node_id: 'gw1', device_id: 'boiler', metric: 'Temp' },
  { sensor_id: 'boiler.press', edge_node_id: 'gw1', device_id: 'boiler', metric: 'Press' },
  { sensor_id: 'pump.flow', edge_node_id: 'gw1', device_id: 'pump', metric: 'Flow' },
];
const nbirth = (seq = 0, bdSeq = 1): SparkplugPayload => ({
  timestamp: 1000,
  seq,
  metrics: [
    { name: 'bdSeq', type: 'UInt64', value: bdSeq },
    { name: 'Node Control/Rebirth', type: 'Boolean', value: false },
    { name: 'Uptime', alias: 1, type: 'Int64', value: 5 },
  ],
});
const dbirth = (seq: number, metrics: { name: string; alias: number; unit?: string; value: number }[]): SparkplugPayload => ({
  timestamp: 1001,
  seq,
  metrics: metrics.map((m) => ({ name: m.name, alias: m.alias, type: 'Double', value: m.value, ...(m.unit ? { properties: { engUnit: m.unit } } : {}) })),
});
const kinds = (ev: HostEvent[]) => ev.map((e) => e.kind);

function born(): SparkplugHost {
  const h = new SparkplugHost(G, tags);
  h.handle(topic('NBIRTH'), nbirth(0), 1000);
  h.handle(topic('DBIRTH', 'gw1', 'boiler'), dbirth(1, [{ name: 'Temp', alias: 10, unit: '°C', value: 80 }, { name: 'Press', alias: 11, unit: 'bar', value: 2 }]), 1001);
  h.handle(topic('DBIRTH', 'gw1', 'pump'), dbirth(2, [{ name: 'Flow', alias: 20, unit: 'm3/h', value: 12 }]), 1002);
  return h;
}

describe('parseSparkplugTopic', () => {
  it('splits node and device topics, refuses anything else', () => {
    expect(parseSparkplugTopic('spBv1.0/Plant/NBIRTH/gw1')).toEqual({ group: 'Plant', type: 'NBIRTH', edgeNode: 'gw1' });
    expect(parseSparkplugTopic('spBv1.0/Plant/DDATA/gw1/boiler')).toEqual({ group: 'Plant', type: 'DDATA', edgeNode: 'gw1', device: 'boiler' });
    expect(parseSparkplugTopic('spBv1.0/STATE/idm')).toBeNull();
    expect(parseSparkplugTopic('spBv1.0/Plant/NDATA/gw1/boiler')).toBeNull();
    expect(parseSparkplugTopic('spBv1.0/Plant/DDATA/gw1')).toBeNull();
    expect(parseSparkplugTopic('spAv1.0/Plant/NDATA/gw1')).toBeNull();
  });
});

describe('normalizeSparkplugPayload', () => {
  it('turns Long integers into numbers and property sets into name → value', () => {
    const long = (n: number) => ({ low: n, high: 0, toNumber: () => n });
    const p = normalizeSparkplugPayload({
      timestamp: long(1700),
      seq: long(3),
      metrics: [{ name: 'a', alias: long(7), type: 'Int64', value: long(42), timestamp: long(1699), properties: { engUnit: { type: 'String', value: 'kW' } } }, { alias: long(8), type: 'DataSet', value: { columns: [] } }],
    });
    expect(p).toEqual({
      timestamp: 1700,
      seq: 3,
      metrics: [
        { name: 'a', alias: 7, type: 'Int64', value: 42, timestamp: 1699, properties: { engUnit: 'kW' } },
        { alias: 8, type: 'DataSet', value: { unsupported: 'DataSet' } },
      ],
    });
  });
});

describe('SparkplugHost', () => {
  it('births register metrics with aliases, datatypes and units, and give their values', () => {
    const h = new SparkplugHost(G, tags);
    expect(h.handle(topic('NBIRTH'), nbirth(0), 1000)).toEqual([{ kind: 'sample', sensor_id: 'gw1.uptime', raw: 5, timestamp: 1000 }]);
    const ev = h.handle(topic('DBIRTH', 'gw1', 'boiler'), dbirth(1, [{ name: 'Temp', alias: 10, unit: '°C', value: 80 }, { name: 'Press', alias: 11, unit: 'bar', value: 2 }]), 1001);
    expect(ev).toEqual([
      { kind: 'sample', sensor_id: 'boiler.temp', raw: 80, timestamp: 1001 },
      { kind: 'sample', sensor_id: 'boiler.press', raw: 2, timestamp: 1001 },
    ]);
    expect(h.discovered()).toEqual([
      { edge_node_id: 'gw1', name: 'Uptime', alias: 1, datatype: 'Int64', properties: {} },
      { edge_node_id: 'gw1', device_id: 'boiler', name: 'Temp', alias: 10, datatype: 'Double', unit: '°C', properties: { engUnit: '°C' } },
      { edge_node_id: 'gw1', device_id: 'boiler', name: 'Press', alias: 11, datatype: 'Double', unit: 'bar', properties: { engUnit: 'bar' } },
    ]);
  });

  it('data by alias gives samples with the metric timestamps (payload timestamp as fallback)', () => {
    const h = born();
    const ev = h.handle(topic('DDATA', 'gw1', 'boiler'), { timestamp: 5000, seq: 3, metrics: [{ alias: 10, value: 81.5, timestamp: 4990 }, { alias: 11, value: 2.5 }] }, 6000);
    expect(ev).toEqual([
      { kind: 'sample', sensor_id: 'boiler.temp', raw: 81.5, timestamp: 4990 },
      { kind: 'sample', sensor_id: 'boiler.press', raw: 2.5, timestamp: 5000 },
    ]);
    expect(h.handle(topic('NDATA'), { seq: 4, metrics: [{ alias: 1, value: 6 }] }, 7000)).toEqual([{ kind: 'sample', sensor_id: 'gw1.uptime', raw: 6, timestamp: 7000 }]);
  });

  it('null metrics are bad samples; strings and data sets are refused with the metric named', () => {
    const h = born();
    const ev = h.handle(topic('DDATA', 'gw1', 'boiler'), { seq: 3, metrics: [{ alias: 10, value: null, isNull: true }, { alias: 11, value: 'n/a' }] }, 6000);
    expect(ev).toEqual([
      { kind: 'sample', sensor_id: 'boiler.temp', raw: null, timestamp: 6000 },
      { kind: 'refused', sensor_id: 'boiler.press', error: 'metric "Press" of "gw1/boiler" is not a number: "n/a"', timestamp: 6000 },
    ]);
  });

  it('NDEATH with the birth bdSeq fails all the node and device tags in one event; the NBIRTH restores that same scope once', () => {
    const h = born();
    const death = h.handle(topic('NDEATH'), { metrics: [{ name: 'bdSeq', value: 1 }] }, 9000);
    expect(death).toEqual([{ kind: 'offline', scope: 'gw1', sensor_ids: ['gw1.uptime', 'boiler.temp', 'boiler.press', 'pump.flow'], at: 9000, reason: 'edge node "gw1" died (NDEATH)' }]);
    // a second death changes nothing
    expect(h.handle(topic('NDEATH'), { metrics: [{ name: 'bdSeq', value: 1 }] }, 9001)).toEqual([]);
    expect(h.isOnline('gw1')).toBe(false);
    const nb = h.handle(topic('NBIRTH'), nbirth(0, 2), 10_000);
    // The scope reported failed is the one restored (one alarm raised, the same one cleared).
    expect(nb[0]).toEqual({ kind: 'online', scope: 'gw1', sensor_ids: ['gw1.uptime', 'boiler.temp', 'boiler.press', 'pump.flow'], at: 10_000 });
    const db = h.handle(topic('DBIRTH', 'gw1', 'boiler'), dbirth(1, [{ name: 'Temp', alias: 10, value: 70 }, { name: 'Press', alias: 11, value: 1 }]), 10_001);
    expect(kinds(db)).toEqual(['sample', 'sample']);
  });

  it('a device that died on its own before its node keeps its own report: its DBIRTH restores it', () => {
    const h = born();
    expect(kinds(h.handle(topic('DDEATH', 'gw1', 'boiler'), { seq: 3, metrics: [] }, 8000))).toEqual(['offline']);
    const death = h.handle(topic('NDEATH'), { metrics: [{ name: 'bdSeq', value: 1 }] }, 9000);
    expect(death[0].kind === 'offline' && death[0].sensor_ids).toEqual(['gw1.uptime', 'pump.flow']);
    expect(h.handle(topic('NBIRTH'), nbirth(0, 2), 10_000)[0]).toEqual({ kind: 'online', scope: 'gw1', sensor_ids: ['gw1.uptime', 'pump.flow'], at: 10_000 });
    const db = h.handle(topic('DBIRTH', 'gw1', 'boiler'), dbirth(1, [{ name: 'Temp', alias: 10, value: 70 }, { name: 'Press', alias: 11, value: 1 }]), 10_001);
    expect(db[0]).toEqual({ kind: 'online', scope: 'gw1/boiler', sensor_ids: ['boiler.temp', 'boiler.press'], at: 10_001 });
  });

  it('an NDEATH whose bdSeq is not the current birth (an old session will) is ignored', () => {
    const h = born();
    const ev = h.handle(topic('NDEATH'), { metrics: [{ name: 'bdSeq', value: 0 }] }, 9000);
    expect(kinds(ev)).toEqual(['error']);
    expect(h.isOnline('gw1', 'boiler')).toBe(true);
  });

  it('DDEATH fails only that device, once', () => {
    const h = born();
    expect(h.handle(topic('DDEATH', 'gw1', 'pump'), { seq: 3, metrics: [] }, 8000)).toEqual([
      { kind: 'offline', scope: 'gw1/pump', sensor_ids: ['pump.flow'], at: 8000, reason: 'device "pump" of edge node "gw1" died (DDEATH)' },
    ]);
    // the node death then fails the rest, not the pump again
    const ev = h.handle(topic('NDEATH'), { metrics: [{ name: 'bdSeq', value: 1 }] }, 9000);
    expect(ev).toEqual([expect.objectContaining({ kind: 'offline', sensor_ids: ['gw1.uptime', 'boiler.temp', 'boiler.press'] })]);
  });

  it('seq wraps 255 → 0 without a rebirth', () => {
    const h = new SparkplugHost(G, tags);
    h.handle(topic('NBIRTH'), nbirth(254), 1000);
    expect(kinds(h.handle(topic('NDATA'), { seq: 255, metrics: [{ alias: 1, value: 1 }] }, 1))).toEqual(['sample']);
    expect(kinds(h.handle(topic('NDATA'), { seq: 0, metrics: [{ alias: 1, value: 2 }] }, 2))).toEqual(['sample']);
    expect(kinds(h.handle(topic('NDATA'), { seq: 1, metrics: [{ alias: 1, value: 3 }] }, 3))).toEqual(['sample']);
  });

  it('a sequence gap asks for ONE rebirth until the next NBIRTH; data still flows', () => {
    const h = born();
    const gap = h.handle(topic('DDATA', 'gw1', 'boiler'), { seq: 7, metrics: [{ alias: 10, value: 1 }] }, 1);
    expect(gap.filter((e) => e.kind === 'rebirth')).toEqual([{ kind: 'rebirth', edge_node_id: 'gw1', reason: 'sequence gap from "gw1": expected seq 3, got 7' }]);
    expect(gap.filter((e) => e.kind === 'sample')).toHaveLength(1);
    const more = [
      ...h.handle(topic('DDATA', 'gw1', 'boiler'), { seq: 9, metrics: [{ alias: 10, value: 2 }] }, 2),
      ...h.handle(topic('DDATA', 'gw1', 'boiler'), { seq: 10, metrics: [{ alias: 99, value: 2 }] }, 3),
    ];
    expect(more.filter((e) => e.kind === 'rebirth')).toEqual([]);
    h.handle(topic('NBIRTH'), nbirth(0), 4);
    const again = h.handle(topic('NDATA'), { seq: 5, metrics: [] }, 5);
    expect(again.filter((e) => e.kind === 'rebirth')).toHaveLength(1);
  });

  it('an unknown alias, or data from a node or device never born, asks for a rebirth', () => {
    const h = born();
    const ev = h.handle(topic('DDATA', 'gw1', 'boiler'), { seq: 3, metrics: [{ alias: 99, value: 1 }, { alias: 10, value: 5 }] }, 1);
    expect(ev).toEqual([
      { kind: 'rebirth', edge_node_id: 'gw1', reason: 'unknown alias 99 in data of "gw1/boiler"' },
      { kind: 'sample', sensor_id: 'boiler.temp', raw: 5, timestamp: 1 },
    ]);
    const fresh = new SparkplugHost(G, tags);
    const a = fresh.handle(topic('DDATA', 'gw2', 'x'), { seq: 3, metrics: [] }, 1);
    const b = fresh.handle(topic('NDATA', 'gw2'), { seq: 4, metrics: [] }, 1);
    expect([...a, ...b].filter((e) => e.kind === 'rebirth')).toEqual([{ kind: 'rebirth', edge_node_id: 'gw2', reason: 'DDATA from edge node "gw2" without a current NBIRTH' }]);
  });

  it('a new tag list keeps what the births taught: data by alias goes on without a rebirth', () => {
    const h = born();
    h.bind([{ sensor_id: 'new.temp', edge_node_id: 'gw1', device_id: 'boiler', metric: 'Temp' }]);
    expect(h.handle(topic('DDATA', 'gw1', 'boiler'), { seq: 3, metrics: [{ alias: 10, value: 90 }, { alias: 11, value: 3 }] }, 5)).toEqual([{ kind: 'sample', sensor_id: 'new.temp', raw: 90, timestamp: 5 }]);
    const death = h.handle(topic('NDEATH'), { metrics: [{ name: 'bdSeq', value: 1 }] }, 6);
    expect(death).toEqual([expect.objectContaining({ kind: 'offline', sensor_ids: ['new.temp'] })]);
  });

  it('a new tag list (a restarted connection) may ask again: the NBIRTH answering the old one went to a closed client', () => {
    const fresh = new SparkplugHost(G, tags);
    const data = () => fresh.handle(topic('NDATA', 'gw2'), { seq: 4, metrics: [] }, 1).filter((e) => e.kind === 'rebirth');
    expect(data()).toHaveLength(1);
    expect(data()).toHaveLength(0);
    fresh.bind(tags);
    expect(data()).toEqual([{ kind: 'rebirth', edge_node_id: 'gw2', reason: 'NDATA from edge node "gw2" without a current NBIRTH' }]);
  });

  it('ignores other groups and commands', () => {
    const h = born();
    expect(h.handle({ group: 'Other', type: 'NDEATH', edgeNode: 'gw1' }, { metrics: [{ name: 'bdSeq', value: 1 }] }, 1)).toEqual([]);
    expect(h.handle(topic('NCMD'), { metrics: [{ name: 'Node Control/Rebirth', value: true }] }, 1)).toEqual([]);
    expect(h.isOnline('gw1')).toBe(true);
  });
});

describe('SparkplugHost snapshot', () => {
  it('round-trips through JSON: a restored host reads data by alias at once, with no rebirth; a seq gap still asks one', () => {
    const h = born();
    h.handle(topic('DDATA', 'gw1', 'pump'), { seq: 3, metrics: [{ alias: 20, value: 13, timestamp: 1003 }] }, 1003);
    const snap = JSON.parse(JSON.stringify(h.snapshot()));
    const r = SparkplugHost.restore(G, tags, snap) as SparkplugHost;
    expect(r).toBeInstanceOf(SparkplugHost);
    expect(r.snapshot()).toEqual(h.snapshot());
    expect(r.discovered()).toEqual(h.discovered());
    expect(r.isOnline('gw1', 'boiler')).toBe(true);
    expect(r.handle(topic('DDATA', 'gw1', 'boiler'), { seq: 4, metrics: [{ alias: 11, value: 3, timestamp: 1004 }] }, 1004)).toEqual([
      { kind: 'sample', sensor_id: 'boiler.press', raw: 3, timestamp: 1004 },
    ]);
    // Stale state: the sequence went on meanwhile; the data is still read, and one rebirth is asked.
    expect(kinds(r.handle(topic('DDATA', 'gw1', 'pump'), { seq: 9, metrics: [{ alias: 20, value: 14 }] }, 1005))).toEqual(['rebirth', 'sample']);
  });

  it('births and deaths change the revision; data does not', () => {
    const h = born();
    const rev = h.revision;
    h.handle(topic('DDATA', 'gw1', 'pump'), { seq: 3, metrics: [{ alias: 20, value: 13 }] }, 1003);
    expect(h.revision).toBe(rev);
    h.handle(topic('DDEATH', 'gw1', 'pump'), { seq: 4, metrics: [] }, 1004);
    expect(h.revision).toBeGreaterThan(rev);
  });

  it('another version, another group or a broken shape is refused with the reason', () => {
    const snap = born().snapshot();
    expect(SparkplugHost.restore(G, tags, { ...snap, version: 0 })).toEqual({ error: 'version 0, expected 1' });
    expect(SparkplugHost.restore('Other', tags, snap)).toEqual({ error: `snapshot is of group "${G}", not "Other"` });
    expect(SparkplugHost.restore(G, tags, null)).toEqual({ error: 'not an object' });
    const broken = JSON.parse(JSON.stringify(snap));
    broken.nodes[0].devices[0].metrics[0].alias = 'x';
    expect(SparkplugHost.restore(G, tags, broken)).toEqual({ error: expect.stringContaining('non-numeric alias') });
  });
});
