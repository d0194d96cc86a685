import type { IngestedSample } from '@idm/contracts';
import { startTestApp, TestApp } from './support/app';
import { registerAndLogin } from './support/auth';
import { call, captureSamples, eventually, ReferenceServer, startReferenceServer } from './support/modbus';

/**
 * Decoding checked against an independent Modbus implementation: a pymodbus server holds values written
 * with pymodbus' own BinaryPayloadBuilder in every word/byte order; IDM polls it and must read them back.
 */
describe('Modbus decoding against pymodbus', () => {
  let t: TestApp;
  let ref: ReferenceServer;
  let admin: string;
  let samples: IngestedSample[];

  beforeAll(async () => {
    ref = await startReferenceServer();
    t = await startTestApp('idm_test_modbus_decoding');
    admin = (await registerAndLogin(t.url, { username: 'admin.decoding' })).access_token;
    samples = captureSamples(t.app);
  });
  afterAll(async () => {
    await t?.close();
    ref?.stop();
  });

  it('reads every data type in every word and byte order, from holding and input registers, coils and discrete inputs', async () => {
    const { cases, coils, discrete_inputs, unit_id } = ref.layout;
    const tags = [
      ...cases.map((c) => ({
        sensor_id: `H-${c.data_type}-${c.word_order}-${c.byte_order}`, device_id: 'ref', register_type: 'holding', address: c.address,
        data_type: c.data_type, word_order: c.word_order, byte_order: c.byte_order,
      })),
      ...cases.map((c) => ({
        sensor_id: `I-${c.data_type}-${c.word_order}-${c.byte_order}`, device_id: 'ref', register_type: 'input', address: 1000 + c.address,
        data_type: c.data_type, word_order: c.word_order, byte_order: c.byte_order, scale: 2, offset: -1,
      })),
      ...coils.map((_, i) => ({ sensor_id: `C-${i}`, device_id: 'ref', register_type: 'coil', address: i, data_type: 'bool' })),
      ...discrete_inputs.map((_, i) => ({ sensor_id: `D-${i}`, device_id: 'ref', register_type: 'discrete_input', address: i, data_type: 'bool' })),
    ];
    const file = { version: 1, devices: [{ id: 'ref', name: 'pymodbus reference', host: '127.0.0.1', port: ref.port, unit_id, poll_interval_ms: 200, timeout_ms: 1000 }], tags };
    const imported = await call(t.url, 'POST', '/devices/import', admin, file);
    expect(imported.status).toBe(200);
    expect(imported.body).toMatchObject({ devices: 1, tags: tags.length, mode: 'merge' });

    const latest = () => new Map(samples.map((s) => [s.sensor_id, s]));
    const got = await eventually(latest, (m) => tags.every((tg) => m.has(tg.sensor_id)), 20000);
    const expected = (c: (typeof cases)[number]) => (c.data_type === 'float32' ? Math.fround(c.value) : c.value);
    const mismatches: string[] = [];
    for (const c of cases) {
      const h = got.get(`H-${c.data_type}-${c.word_order}-${c.byte_order}`);
      const i = got.get(`I-${c.data_type}-${c.word_order}-${c.byte_order}`);
      if (h?.value !== expected(c) || h.quality !== 'good') mismatches.push(`holding ${c.data_type} ${c.word_order}/${c.byte_order}: ${h?.value} (${h?.quality}) != ${expected(c)}`);
      if (i?.value !== expected(c) * 2 - 1) mismatches.push(`input ${c.data_type} ${c.word_order}/${c.byte_order}: ${i?.value} != ${expected(c) * 2 - 1}`);
    }
    coils.forEach((b, k) => got.get(`C-${k}`)?.value !== (b ? 1 : 0) && mismatches.push(`coil ${k}`));
    discrete_inputs.forEach((b, k) => got.get(`D-${k}`)?.value !== (b ? 1 : 0) && mismatches.push(`discrete input ${k}`));
    expect(mismatches).toEqual([]);
    expect(cases).toHaveLength(24); // 6 types x 2 word orders x 2 byte orders

    // 48 holding/input tags + 80 bits in 4 requests: one block per area.
    const status = await call(t.url, 'GET', '/devices/ref/status', admin);
    expect(status.body).toMatchObject({ device_id: 'ref', state: 'connected', connected: true, requests_per_poll: 4, tags: tags.length });
  });
});
