import { io, Socket } from 'socket.io-client';
import type { AlarmEventDto, ClientToServerEvents, ServerToClientEvents } from '@idm/contracts';
import { authHeader, clearLoginThrottle } from './support/auth';
import { startPlant, type Plant } from './e2e/support/plant';

type Client = Socket<ServerToClientEvents, ClientToServerEvents>;

async function until<T>(fn: () => T | undefined | false | Promise<T | undefined | false>, timeoutMs: number, what: string): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

function connect(url: string, token: string): { socket: Client; events: AlarmEventDto[]; ready: Promise<unknown> } {
  const socket: Client = io(url, { auth: { token }, transports: ['websocket'], reconnection: false, forceNew: true });
  const events: AlarmEventDto[] = [];
  socket.on('alarm', (e) => events.push(e));
  socket.on('alarms:batch', (b) => events.push(...b.events));
  return { socket, events, ready: new Promise((resolve) => socket.once('alarms:snapshot', resolve)) };
}

describe('alarms from the PLC simulator to socket.io clients', () => {
  const db = 'idm_test_alarms_plant';
  let plant: Plant;

  beforeAll(async () => {
    await clearLoginThrottle(db);
    plant = await startPlant(db, { plcs: 2, tags: 8, pollIntervalMs: 250, env: { ALARM_OFF_DELAY_MS: '500' } });
  }, 60_000);
  afterAll(async () => plant?.close());

  it('a fault injected in a PLC reaches every client as a raised alarm; the acknowledgement reaches them all', async () => {
    const a = connect(plant.idm.url, plant.tokens.viewer);
    const b = connect(plant.idm.url, plant.tokens.operator);
    await Promise.all([a.ready, b.ready]);
    try {
      const plc = plant.sim.plant.plcs[0];
      const tag = plant.sim.deviceFile.tags.find((t) => t.device_id === plc.id && t.limits?.hihi != null && t.limits?.lolo != null)!;
      await new Promise((r) => setTimeout(r, 1500)); // a few normal polls first
      plant.sim.injectFault({ kind: 'step', plc: plc.id, sensor_id: tag.sensor_id, magnitude: (tag.limits!.hihi! - tag.limits!.lolo!) * 0.75 });

      const raised = await until(() => a.events.find((e) => e.kind === 'raised' && e.alarm.sensor_id === tag.sensor_id), 20_000, 'a raised alarm');
      expect(raised.alarm.state).toBe('unack_active');
      await until(() => b.events.find((e) => e.seq === raised.seq), 5_000, 'the same event on the second client');

      // The anomaly episode behind it is in the database, linked by sensor and type, not yet resolved
      // (detection announces an episode first and writes it just behind, so it may land after the alarm).
      const episode = await until(async () => {
        const history: any = await (await fetch(`${plant.idm.url}/anomalies/history?sensor_id=${encodeURIComponent(tag.sensor_id)}`, { headers: authHeader(plant.tokens.viewer) })).json();
        return (history.items ?? history).find((x: { anomaly_type: string }) => x.anomaly_type === raised.alarm.condition);
      }, 10_000, 'the episode behind the alarm in the history');
      expect(episode.resolved).toBe(false);

      const ack = await fetch(`${plant.idm.url}/alarms/${encodeURIComponent(raised.alarm.id)}/acknowledge`, { method: 'POST', headers: authHeader(plant.tokens.operator), body: '{}' });
      expect(ack.status).toBe(200);
      for (const c of [a, b]) await until(() => c.events.find((e) => e.kind === 'acknowledged' && e.alarm.id === raised.alarm.id), 5_000, 'the acknowledgement');

      // Fault over: the alarm returns to normal (already acknowledged), and its episode is resolved.
      plant.sim.clearFaults();
      await until(() => a.events.find((e) => e.kind === 'cleared' && e.alarm.id === raised.alarm.id), 30_000, 'the alarm to clear');
      const resolved = await until(async () => {
        const h: any = await (await fetch(`${plant.idm.url}/anomalies/history?sensor_id=${encodeURIComponent(tag.sensor_id)}&resolved=true`, { headers: authHeader(plant.tokens.viewer) })).json();
        return (h.items ?? h).find((x: { id?: string; anomaly_type: string }) => x.anomaly_type === raised.alarm.condition);
      }, 10_000, 'the episode to be resolved');
      expect(resolved.resolved).toBe(true);
    } finally {
      a.socket.disconnect();
      b.socket.disconnect();
      plant.sim.clearFaults();
    }
  });

  it('a PLC that stops answering raises a comm-failure alarm that returns to normal with the device', async () => {
    const c = connect(plant.idm.url, plant.tokens.viewer);
    await c.ready;
    try {
      const plc = plant.sim.plant.plcs[1];
      plant.sim.injectFault({ kind: 'stop_answering', plc: plc.id });
      const raised = await until(() => c.events.find((e) => e.kind === 'raised' && e.alarm.condition === 'comm_failure' && e.alarm.source_id.length > 0), 20_000, 'a comm-failure alarm');
      expect(raised.alarm.source_type).toBe('device');
      expect(raised.alarm.priority).toBe('high');
      plant.sim.clearFaults({ plc: plc.id });
      const cleared = await until(() => c.events.find((e) => e.kind === 'cleared' && e.alarm.id === raised.alarm.id), 30_000, 'the comm-failure alarm to clear');
      expect(cleared.alarm.state).toBe('unack_rtn');
    } finally {
      c.socket.disconnect();
      plant.sim.clearFaults();
    }
  });
});
