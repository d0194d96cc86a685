import * as fs from 'node:fs';
import * as path from 'node:path';
import { SparkplugBinding, SparkplugHost } from './engine/sparkplug-host';

/** Where the MQTT driver keeps what the Sparkplug births taught, one file per device. */
export const mqttStateDir = (dataDir: string): string => path.join(dataDir, 'mqtt');

/**
 * Each device's Sparkplug host state on disk (`<dir>/<device id>.json`), so after an IDM process restart
 * the data queued in the persistent session is read by the aliases already learnt. Written atomically
 * (temporary file + rename) when a birth or death changed it and when its connection stops; an unreadable
 * file is logged and ignored (the node is asked for a rebirth, as without a file). Never throws.
 */
export class SparkplugHostStore {
  constructor(
    private readonly dir: string,
    private readonly log: (message: string) => void,
  ) {}

  private file(deviceId: string): string {
    return path.join(this.dir, `${encodeURIComponent(deviceId)}.json`);
  }

  load(deviceId: string, groupId: string, tags: readonly SparkplugBinding[]): SparkplugHost | null {
    const file = this.file(deviceId);
    let text: string;
    try {
      text = fs.readFileSync(file, 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') this.log(`cannot read ${file}: ${(err as Error).message}; births learnt again`);
      return null;
    }
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch (err) {
      this.log(`${file} ignored: not JSON (${(err as Error).message}); births learnt again`);
      return null;
    }
    const host = SparkplugHost.restore(groupId, tags, parsed);
    if ('error' in host) {
      this.log(`${file} ignored: ${host.error}; births learnt again`);
      return null;
    }
    return host;
  }

  save(deviceId: string, host: SparkplugHost): void {
    const file = this.file(deviceId);
    const tmp = `${file}.${process.pid}.tmp`;
    try {
      fs.mkdirSync(this.dir, { recursive: true });
      fs.writeFileSync(tmp, JSON.stringify(host.snapshot()));
      fs.renameSync(tmp, file);
    } catch (err) {
      this.log(`cannot write ${file}: ${(err as Error).message}`);
      fs.rmSync(tmp, { force: true });
    }
  }
}
