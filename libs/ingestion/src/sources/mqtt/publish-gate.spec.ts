import * as fs from 'node:fs';
import * as path from 'node:path';
import { get as sparkplugCodec } from 'sparkplug-payload';
import { hostPublisher } from './host-publisher';

describe('what IDM may publish to a broker', () => {
  it('the host publisher sends only the retained STATE and the Node Control/Rebirth NCMD', async () => {
    const sent: { topic: string; payload: string | Buffer; opts: unknown }[] = [];
    const p = hostPublisher({ publishAsync: async (topic: string, payload: string | Buffer, opts: unknown) => void sent.push({ topic, payload, opts }) } as never);
    await p.state('idm', true, 1234);
    await p.rebirth('Plant', 'gw1', 99);
    expect(sent[0]).toEqual({ topic: 'spBv1.0/STATE/idm', payload: '{"online":true,"timestamp":1234}', opts: { qos: 1, retain: true } });
    expect(sent[1]).toMatchObject({ topic: 'spBv1.0/Plant/NCMD/gw1', opts: { qos: 0, retain: false } });
    const metrics = sparkplugCodec('spBv1.0')!.decodePayload(sent[1].payload as Buffer).metrics!;
    expect(metrics.map((m) => [m.name, m.type, m.value])).toEqual([['Node Control/Rebirth', 'Boolean', true]]);
  });

  it('the connection code never publishes except through the host publisher', () => {
    // Structural: every way out to the broker from the connection goes through HostPublisher.
    for (const file of ['mqtt-connection.ts', 'mqtt-source-driver.ts', 'index.ts']) {
      const src = fs.readFileSync(path.join(__dirname, file), 'utf8');
      const calls = src.match(/\.(publish|publishAsync)\s*\(/g) ?? [];
      const allowed = src.match(/this\.deps\.publish\s*\(/g) ?? []; // the ingestion pipeline, not MQTT
      expect({ file, publishCalls: calls.length - allowed.length }).toEqual({ file, publishCalls: 0 });
    }
  });
});
