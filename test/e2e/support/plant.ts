import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { Role } from '@idm/contracts';
import { startPlcSim, type PlcSim, type PlcSimOptions } from '../../../apps/plc-sim/src/sim';
import { startTestApp, type TestApp } from '../../support/app';
import { authHeader, registerAndLogin, TEST_PASSWORD } from '../../support/auth';
import { ROOT } from '../../support/services';

export const CLIENT_DIST = path.join(ROOT, 'client', 'dist');

export interface Plant {
  sim: PlcSim;
  idm: TestApp;
  /** Access tokens by role (users `<role>.e2e`, password TEST_PASSWORD). */
  tokens: Record<Role, string>;
  password: string;
  close(): Promise<void>;
}

/**
 * IDM in production mode (serving the built client) polling an in-process PLC simulator, with one user
 * per role. The client must have been built (`scripts/test.sh` builds it before the tests).
 */
export async function startPlant(
  db: string,
  opts: { plcs?: number; tags?: number; pollIntervalMs?: number; env?: Record<string, string>; sim?: Pick<PlcSimOptions, 'cycles' | 'assetsInDeviceFile' | 'controlPort'> } = {},
): Promise<Plant> {
  if (!fs.existsSync(path.join(CLIENT_DIST, 'index.html'))) throw new Error('client/dist is missing: npm run build --workspace client');
  const sim = await startPlcSim({ plcs: opts.plcs ?? 2, tags: opts.tags ?? 8, seed: 7, pollIntervalMs: opts.pollIntervalMs ?? 500, ...opts.sim });
  let idm: TestApp | undefined;
  // Its own journal folder and queue names: nothing from another run or suite leaks into this plant.
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), `${db}-`));
  try {
    idm = await startTestApp(db, {
      NODE_ENV: 'production',
      JWT_SECRET: 'e2e-secret-e2e-secret-e2e-secret-0123456789',
      CLIENT_DIST,
      DATA_DIR: dataDir,
      QUEUE_PREFIX: `${db}-${process.pid}`,
      ...opts.env,
    });
    const admin = await registerAndLogin(idm.url, { username: 'admin.e2e' });
    const tokens: Record<string, string> = { admin: admin.access_token };
    for (const role of ['supervisor', 'operator', 'viewer'] as const) {
      tokens[role] = (await registerAndLogin(idm.url, { username: `${role}.e2e`, roles: [role] }, admin.access_token)).access_token;
    }
    const res = await fetch(`${idm.url}/devices/import`, { method: 'POST', headers: authHeader(admin.access_token), body: JSON.stringify(sim.deviceFile) });
    if (!res.ok) throw new Error(`device import answered ${res.status}: ${await res.text()}`);
    const app = idm;
    return {
      sim,
      idm: app,
      tokens: tokens as Record<Role, string>,
      password: TEST_PASSWORD,
      close: async () => {
        await app.close();
        await sim.close();
        fs.rmSync(dataDir, { recursive: true, force: true });
      },
    };
  } catch (err) {
    await idm?.close().catch(() => undefined);
    await sim.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
    throw err;
  }
}

/** What `injectCommAndHiHi` broke: the PLC that stopped answering and the tags stepped over their HiHi. */
export interface CommAndHiHi {
  plcName: string;
  plcId: string;
  /** The first of `sensorIds`. */
  sensorId: string;
  sensorIds: string[];
}

/**
 * A device alarm and sensor alarms side by side: the second PLC stops answering and `count` of the first PLC's
 * tags with HiHi and LoLo limits step three quarters of that span, over their HiHi.
 */
export function injectCommAndHiHi(plant: Plant, count = 1): CommAndHiHi {
  const [plc0, plc1] = plant.sim.plant.plcs;
  const tags = plant.sim.deviceFile.tags.filter((t) => t.device_id === plc0.id && t.limits?.hihi !== undefined && t.limits?.lolo !== undefined).slice(0, count);
  plant.sim.injectFault({ kind: 'stop_answering', plc: plc1.id });
  for (const t of tags) plant.sim.injectFault({ kind: 'step', plc: plc0.id, sensor_id: t.sensor_id, magnitude: (t.limits!.hihi! - t.limits!.lolo!) * 0.75 });
  return { plcName: plc1.name, plcId: plc1.id, sensorId: tags[0].sensor_id, sensorIds: tags.map((t) => t.sensor_id) };
}
