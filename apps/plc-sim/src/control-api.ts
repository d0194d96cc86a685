import * as http from 'node:http';
import { ASSET_FAULTS } from './asset-faults';
import { DEVICE_FAULTS, FaultKind, TAG_FAULTS } from './faults';
import type { RequestLog } from './modbus-server';
import type { OpcuaTestVariable, PlcSimOpcuaServer } from './opcua-server';
import type { Plant } from './plant';

/**
 * The simulator's HTTP control API (JSON):
 *   GET /plcs · GET /values?plc=plc-01 · GET /device-file?host=&poll_interval_ms=
 *   GET /faults · POST /faults {kind, plc, sensor_id?, magnitude?, duration_ms?, ramp_ms?} · DELETE /faults?plc=&id=
 *   GET /assets (the plant's pumps and their sensors by role) · POST /faults {kind: valve_closing|rotor_imbalance,
 *   asset, magnitude?, duration_ms?, ramp_ms?} (moves the asset's sensors together, see asset-faults.ts)
 *   GET /stats · GET /requests?plc=&since= · POST /stats/reset
 *   with the OPC UA server: GET /opcua (endpoint, requests by service type) · POST /opcua/values {name, value}
 *   (a `Types.<name>` test variable) · POST /opcua/stop · POST /opcua/start (a server restart, same port)
 */
export function createControlServer(plant: Plant, log: RequestLog, opcua: PlcSimOpcuaServer | null = null): http.Server {
  return http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://sim');
    const send = (status: number, body: unknown) => {
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(body));
    };
    const route = `${req.method} ${url.pathname}`;
    let raw = '';
    req.on('data', (c) => (raw += c));
    req.on('end', () => {
      try {
        switch (route) {
          case 'GET /plcs':
            return send(200, plant.plcs.map((p) => ({ id: p.id, name: p.name, area: p.area, port: p.port, unit_id: p.unit_id, tags: p.tags.length })));
          case 'GET /values': {
            const plc = plant.plcById(url.searchParams.get('plc') ?? '');
            if (!plc) return send(404, { message: 'unknown plc' });
            const t = Date.now();
            return send(200, { t, values: Object.fromEntries(plc.tags.map((tag) => [tag.sensor_id, plant.value(plc, tag, t)])) });
          }
          case 'GET /device-file':
            return send(200, plant.deviceFile(url.searchParams.get('host') ?? '127.0.0.1', Number(url.searchParams.get('poll_interval_ms') ?? 1000)));
          case 'GET /assets':
            return send(200, plant.assets);
          case 'GET /faults':
            return send(200, plant.activeFaults());
          case 'POST /faults': {
            const body = JSON.parse(raw || '{}');
            const kinds: string[] = [...TAG_FAULTS, ...DEVICE_FAULTS, ...ASSET_FAULTS];
            if (!kinds.includes(body.kind)) {
              return send(400, { message: `kind must be one of ${kinds.join(', ')}` });
            }
            return send(201, plant.injectFault({ ...body, kind: body.kind as FaultKind }));
          }
          case 'DELETE /faults': {
            const id = url.searchParams.get('id');
            const plc = url.searchParams.get('plc') ?? undefined;
            return send(200, { cleared: plant.clearFaults({ plc, id: id ? Number(id) : undefined }) });
          }
          case 'GET /stats':
            return send(200, { requests: log.total, by_function_code: log.byFunctionCode, by_plc: log.byPlc });
          case 'GET /requests':
            return send(200, log.list({ plc: url.searchParams.get('plc') ?? undefined, since: Number(url.searchParams.get('since') ?? 0) }));
          case 'POST /stats/reset':
            log.reset();
            return send(200, { reset: true });
          case 'GET /opcua':
          case 'POST /opcua/values':
          case 'POST /opcua/stop':
          case 'POST /opcua/start':
            if (!opcua) return send(404, { message: 'the OPC UA server is off (--opcua-port)' });
            return void opcuaRoute(opcua, route, raw).then(
              (body) => send(200, body),
              (err: Error) => send(400, { message: err.message }),
            );
          default:
            return send(404, { message: `no route ${route}` });
        }
      } catch (err) {
        return send(400, { message: (err as Error).message });
      }
    });
  });
}

async function opcuaRoute(opcua: PlcSimOpcuaServer, route: string, raw: string): Promise<unknown> {
  switch (route) {
    case 'POST /opcua/values': {
      const body = JSON.parse(raw || '{}') as { name: OpcuaTestVariable; value: number | boolean };
      opcua.setTestValue(body.name, body.value);
      return { set: body.name };
    }
    case 'POST /opcua/stop':
      await opcua.stop();
      return { running: false };
    case 'POST /opcua/start':
      await opcua.start();
      return { running: true };
    default:
      return { endpoint_url: opcua.endpointUrl, running: opcua.running, requests: opcua.requests.byType };
  }
}
