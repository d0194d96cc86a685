import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { SparkplugHost } from './engine/sparkplug-host';
import { SparkplugHostStore } from './sparkplug-host-store';

describe('SparkplugHostStore', () => {
  let dir: string;
  beforeEach(() => (dir = fs.mkdtempSync(path.join(os.tmpdir(), 'idm-mqtt-state-'))));
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  const bornHost = () => {
    const h = new SparkplugHost('G', []);
    h.handle({ group: 'G', type: 'NBIRTH', edgeNode: 'gw1' }, { seq: 0, metrics: [{ name: 'bdSeq', value: 3 }, { name: 'Flow', alias: 7, type: 'Double', value: 1 }] }, 1);
    return h;
  };

  it('saves atomically (no temporary file left) and loads the same state', () => {
    const logs: string[] = [];
    const store = new SparkplugHostStore(path.join(dir, 'mqtt'), (m) => logs.push(m));
    const h = bornHost();
    store.save('dev/1', h);
    expect(fs.readdirSync(path.join(dir, 'mqtt'))).toEqual(['dev%2F1.json']);
    expect(store.load('dev/1', 'G', [])?.snapshot()).toEqual(h.snapshot());
    expect(store.load('other', 'G', [])).toBeNull();
    expect(logs).toEqual([]);
  });

  it('a corrupt or old file is ignored with a log line, never a crash', () => {
    const logs: string[] = [];
    const store = new SparkplugHostStore(dir, (m) => logs.push(m));
    fs.writeFileSync(path.join(dir, 'a.json'), '{"version":1,"gro');
    fs.writeFileSync(path.join(dir, 'b.json'), JSON.stringify({ ...bornHost().snapshot(), version: 0 }));
    expect(store.load('a', 'G', [])).toBeNull();
    expect(store.load('b', 'G', [])).toBeNull();
    expect(logs).toEqual([expect.stringMatching(/a\.json ignored: not JSON/), expect.stringMatching(/b\.json ignored: version 0, expected 1/)]);
  });
});
