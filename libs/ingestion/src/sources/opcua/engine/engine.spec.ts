// The small node-opcua packages (part of node-opcua): the meta package starts background checks on import.
import { StatusCodes } from 'node-opcua-status-code';
import { DataType, Variant, VariantArrayType } from 'node-opcua-variant';
import { dataChangeFilterFor } from './deadband';
import { nodeIdError } from './node-id';
import { readingOf } from './tag-sample';

describe('dataChangeFilterFor', () => {
  it('no deadband: no filter', () => {
    expect(dataChangeFilterFor({})).toBeNull();
    expect(dataChangeFilterFor({ deadband_type: 'none', deadband_value: 5 })).toBeNull();
  });
  it('absolute and percent deadbands', () => {
    expect(dataChangeFilterFor({ deadband_type: 'absolute', deadband_value: 0.5 })).toEqual({ trigger: 1, deadbandType: 1, deadbandValue: 0.5 });
    expect(dataChangeFilterFor({ deadband_type: 'percent', deadband_value: 2 })).toEqual({ trigger: 1, deadbandType: 2, deadbandValue: 2 });
  });
  it('refuses unusable values naming the field', () => {
    expect(() => dataChangeFilterFor({ deadband_type: 'absolute' })).toThrow('deadband_value must be a number ≥ 0 with deadband_type absolute');
    expect(() => dataChangeFilterFor({ deadband_type: 'absolute', deadband_value: -1 })).toThrow('deadband_value');
    expect(() => dataChangeFilterFor({ deadband_type: 'percent', deadband_value: 101 })).toThrow('deadband_value must be 0..100');
    expect(() => dataChangeFilterFor({ deadband_type: 'rel' as never, deadband_value: 1 })).toThrow('deadband_type must be none, absolute or percent');
  });
});

describe('nodeIdError', () => {
  it.each(['ns=2;s=Boiler.Drum.Pressure', 'ns=3;i=1001', 'i=2258', 's=x', 'ns=1;g=72962B91-FA75-4AE6-8D28-B404DC7DAF63', 'ns=1;b=M/RbKBsRVkePCePcx24oRA==', 'nsu=urn:plant;s=A'])(
    'accepts %s',
    (id) => expect(nodeIdError(id)).toBeNull(),
  );
  it.each([
    ['', 'node_id must be a NodeId'],
    ['Boiler.Pressure', 'must be ns=<index>; followed by i=, s=, g= or b='],
    ['ns=2;i=abc', 'numeric identifier'],
    ['ns=2;i=4294967296', 'numeric identifier'],
    ['ns=70000;i=1', 'namespace index 70000 is above 65535'],
    ['ns=2;s=', 'string identifier is empty'],
    ['ns=2;g=1234', 'GUID identifier is malformed'],
    ['ns=2;b=???', 'base64'],
  ])('refuses %p', (id, message) => expect(nodeIdError(id)).toContain(message));
  it('refuses a non-string', () => expect(nodeIdError(42)).toContain('node_id must be a NodeId'));
});

describe('readingOf', () => {
  const tag = { sensor_id: 'T1', scale: 0.1, offset: 5, physical_min: 0, physical_max: 100 };
  const at = new Date('2026-01-01T00:00:00Z');
  const dv = (value: Variant, statusCode = StatusCodes.Good.value, sourceTimestamp: Date | null = at, serverTimestamp: Date | null = null) => ({
    value,
    statusCode,
    sourceTimestamp,
    serverTimestamp,
  });
  const dbl = (v: number) => new Variant({ dataType: DataType.Double, value: v });

  it('scales, offsets and stamps with the source timestamp', () => {
    expect(readingOf(tag, dv(dbl(200)), undefined, 1)).toEqual({ kind: 'sample', value: 25, quality: 'good', timestamp: at.getTime() });
  });
  it('falls back to the server timestamp, then to now', () => {
    const server = new Date('2026-01-02T00:00:00Z');
    expect(readingOf(tag, dv(dbl(0), 0, null, server), undefined, 1).timestamp).toBe(server.getTime());
    expect(readingOf(tag, dv(dbl(0), 0, null, null), undefined, 7).timestamp).toBe(7);
  });
  it('outside the physical range is bad', () => {
    expect(readingOf(tag, dv(dbl(2000)), undefined, 1)).toMatchObject({ value: 205, quality: 'bad' });
    expect(readingOf(tag, dv(dbl(-100)), undefined, 1)).toMatchObject({ quality: 'bad' });
  });
  it('Bad status carries the last good value; Uncertain is stale', () => {
    expect(readingOf(tag, dv(new Variant(), StatusCodes.BadNoCommunication.value), 42, 1)).toMatchObject({ value: 42, quality: 'bad' });
    expect(readingOf(tag, dv(dbl(100), StatusCodes.UncertainLastUsableValue.value), 42, 1)).toMatchObject({ value: 15, quality: 'stale' });
    expect(readingOf(tag, dv(new Variant(), StatusCodes.UncertainNoCommunicationLastUsableValue.value), 42, 1)).toMatchObject({ value: 42, quality: 'stale' });
  });
  it('a non-finite value is bad', () => {
    expect(readingOf(tag, dv(dbl(NaN)), undefined, 1)).toMatchObject({ value: 0, quality: 'bad' });
  });
  it('an array is refused with its reason', () => {
    const arr = new Variant({ dataType: DataType.Float, arrayType: VariantArrayType.Array, value: [1, 2] });
    expect(readingOf(tag, dv(arr), undefined, 1)).toEqual({ kind: 'refused', error: 'Float array value is not supported: a tag must be a scalar number', timestamp: at.getTime() });
  });
});
