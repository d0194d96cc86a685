import { startPlcSim } from './sim';

const USAGE = `plc-sim: a plant of simulated Modbus TCP PLCs for IDM

  --plcs N            number of PLCs (default 3)
  --tags N            tags per PLC (default 24)
  --port P            first Modbus port; PLC i listens on P+i (default 5020)
  --layout ports|units  one port per PLC (default), or one port with unit ids 1..N
  --host H            listen address (default 127.0.0.1)
  --control-port P    HTTP control API (default 5080; faults, stats)
  --seed S            plant model seed (default 1): same seed, same values
  --device-file F     write the matching IDM device file (.json or .yaml)
  --poll-interval-ms  poll interval written into the device file (default 1000)
  --counters yes|no   every 12th tag a batch counter (default no: the detector raises false episodes on them yet)
  --assets yes|no     list the plant's pumps as assets in the device file (default yes), for equipment health
  --opcua-port P      also serve the plant over OPC UA on port P (default $SIM_OPCUA_PORT, else 0 = off);
                      endpoint opc.tcp://HOST:P/UA/PlcSim, NodeIds ns=1;s=<sensor_id>
  --opcua-pki DIR     the OPC UA server's certificate folder (default: the OS temp folder)
  --opcua-user U:P    a user name and password the OPC UA server accepts besides anonymous
  --opcua-plcs N      the device file lists the last N PLCs as OPC UA devices of this server (security
                      None) instead of Modbus (default 0; needs --opcua-port)
  --mqtt-url URL      also publish the plant to this MQTT broker (default $SIM_MQTT_URL, else off): each PLC a
                      Sparkplug B edge node (group --mqtt-group, device "io", metric = sensor id), and
                      the first 3 tags of each PLC as plain JSON on plc-sim/<plc id>/<sensor id>
  --mqtt-group G      Sparkplug group id (default PlcSim)
`;

function parseArgs(argv: string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--help' || a === '-h') out.help = '1';
    else if (a.startsWith('--')) {
      const [k, v] = a.includes('=') ? a.slice(2).split('=', 2) : [a.slice(2), argv[++i]];
      if (v === undefined) throw new Error(`${a} needs a value`);
      out[k] = v;
    } else throw new Error(`unexpected argument ${a}`);
  }
  return out;
}

function int(args: Record<string, string>, key: string, def: number, min: number, max: number): number {
  if (args[key] === undefined) return def;
  const v = Number(args[key]);
  if (!Number.isInteger(v) || v < min || v > max) throw new Error(`--${key} must be an integer from ${min} to ${max} (got ${args[key]})`);
  return v;
}

/** OPC UA options: off unless a port is given (0 = off here, as a CLI cannot ask for a random port usefully). */
function opcuaOptions(args: Record<string, string>) {
  const env = process.env.SIM_OPCUA_PORT;
  const port = int({ 'opcua-port': args['opcua-port'] ?? env ?? '0' }, 'opcua-port', 0, 0, 65535);
  if (port === 0) return {};
  const user = args['opcua-user'];
  if (user !== undefined && !/^[^:]+:.+$/.test(user)) throw new Error('--opcua-user must be name:password');
  const [username, ...rest] = user?.split(':') ?? [];
  return {
    opcuaPort: port,
    opcuaPkiDir: args['opcua-pki'],
    opcuaUsers: user ? [{ username, password: rest.join(':') }] : undefined,
    opcuaDevicePlcs: int(args, 'opcua-plcs', 0, 0, 247),
  };
}

async function main(): Promise<void> {
  let args: Record<string, string>;
  try {
    args = parseArgs(process.argv.slice(2));
  } catch (err) {
    process.stderr.write(`plc-sim: ${(err as Error).message}\n\n${USAGE}`);
    process.exit(2);
  }
  if (args.help) {
    process.stdout.write(USAGE);
    return;
  }
  const layout = (args.layout ?? 'ports') as 'ports' | 'units';
  if (layout !== 'ports' && layout !== 'units') throw new Error('--layout must be ports or units');
  const yesNo = (a: Record<string, string>, key: string, byDefault = false): boolean => {
    if (a[key] === undefined) return byDefault;
    if (a[key] === 'no') return false;
    if (a[key] === 'yes') return true;
    throw new Error(`--${key} must be yes or no (got ${a[key]})`);
  };
  const sim = await startPlcSim({
    plcs: int(args, 'plcs', 3, 1, 247),
    tags: int(args, 'tags', 24, 1, 5000),
    port: int(args, 'port', 5020, 1, 65535),
    layout,
    host: args.host ?? '127.0.0.1',
    controlPort: int(args, 'control-port', 5080, 0, 65535),
    seed: int(args, 'seed', 1, 0, 2 ** 31 - 1),
    deviceFile: args['device-file'],
    pollIntervalMs: int(args, 'poll-interval-ms', 1000, 50, 3_600_000),
    counters: yesNo(args, 'counters'),
    assetsInDeviceFile: yesNo(args, 'assets', true),
    ...opcuaOptions(args),
    ...(args['mqtt-url'] || process.env.SIM_MQTT_URL ? { mqttUrl: args['mqtt-url'] || process.env.SIM_MQTT_URL, mqtt: { groupId: args['mqtt-group'] } } : {}),
  });
  const ports = [...new Set(Object.values(sim.ports))];
  process.stdout.write(
    `plc-sim: ${sim.plant.plcs.length} PLC(s) × ${sim.plant.options.tagsPerPlc} tags on Modbus TCP port(s) ${ports[0]}${ports.length > 1 ? `-${ports[ports.length - 1]}` : ''}; ` +
      `control API ${sim.controlUrl}${args['device-file'] ? `; device file ${args['device-file']}` : ''}` +
      `${sim.opcua ? `; OPC UA ${sim.opcua.endpointUrl}` : ''}` +
      `${sim.mqtt ? `; MQTT Sparkplug group ${sim.mqtt.groupId}` : ''}\n`,
  );
  const stop = () => {
    setTimeout(() => process.exit(0), 2000).unref(); // never hang on a lingering client
    sim.close().then(() => process.exit(0));
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}

main().catch((err: unknown) => {
  process.stderr.write(`plc-sim failed: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
