import { parse as parseYaml } from 'yaml';
import { DeviceFileError, formatDeviceFile, parseDeviceFile } from './device-file';

describe('device files', () => {
  const devices = [{ id: 'plc-01', name: 'P', protocol: 'modbus' as const, host: 'h', port: 502, unit_id: 1, poll_interval_ms: 1000, timeout_ms: 500, enabled: true }];

  it('reads an object, {yaml}, JSON text and YAML text alike', () => {
    const assets = [{ id: 'pump-1', name: 'Pump', area: null, sensor_ids: ['a', 'b'], settings: {} }];
    const obj = { version: 2, devices, tags: [], assets };
    const yaml = formatDeviceFile(devices, [], assets, 'yaml');
    expect(parseDeviceFile(obj)).toEqual({ devices, tags: [], assets });
    expect(parseDeviceFile({ yaml })).toEqual({ devices, tags: [], assets });
    expect(parseDeviceFile(JSON.stringify(obj))).toEqual({ devices, tags: [], assets });
    expect(parseYaml(yaml)).toEqual(obj);
  });

  it('names what is wrong with the file itself', () => {
    const err = (body: unknown) => {
      try {
        parseDeviceFile(body);
      } catch (e) {
        return e as DeviceFileError;
      }
      throw new Error('expected an error');
    };
    expect(err({ version: 3, devices: [] }).message).toBe('version must be 1 or 2 (got 3)');
    expect(parseDeviceFile({ version: 1, devices: [], tags: [] })).toEqual({ devices: [], tags: [], assets: [] });
    expect(err({ devices: [], assets: 'pump' }).message).toBe('assets must be a list');
    expect(err({ devices: {} }).field).toBe('devices');
    expect(err({ devices: [], plcs: [] }).message).toBe('plcs is not an allowed field of the device file');
    expect(err('devices: [').message).toMatch(/^the device file is neither valid JSON nor YAML/);
    expect(err([1]).field).toBe('file');
  });
});
