import { computeAlarmFigures } from './alarm-figures';
import { buildReport, formatDuration, reportTitle } from './build-report';
import { csvField, reportToCsv } from './report-csv';
import { reportToPdf } from './report-pdf';

const T0 = Date.UTC(2026, 0, 1);
const figures = computeAlarmFigures({
  from: T0,
  to: T0 + 3_600_000,
  alarms: [{ id: 'sensor:p1|spike', source_id: 'p1', sensor_id: 'p1', condition: 'spike', priority: 'high', state: 'normal', active: false, raised_at: null, updated_at: T0 }],
  audit: [
    { alarm_id: 'sensor:p1|spike', kind: 'raised', from: 'normal', to: 'unack_active', at: T0 + 60_000 },
    { alarm_id: 'sensor:p1|spike', kind: 'cleared', from: 'unack_active', to: 'unack_rtn', at: T0 + 120_000 },
  ],
  auditFrom: T0,
  floodThreshold: 10,
});
const report = buildReport({
  from: T0, to: T0 + 3_600_000, scope: { area: 'Boiler' }, generatedAt: T0 + 3_600_000, alarms: figures,
  anomalies: [{ sensor_id: 'p1', anomaly_type: 'spike', timestamp: T0 + 50_000 }],
  sensorStats: [{ sensor_id: 'p1', unit: 'bar', samples: 10, mean: 1.5, std: 0.2, min: 1, max: 2, p05: 1.1, p50: 1.5, p95: 1.9, anomalous_samples: 1 }],
});

describe('report rendering', () => {
  it('titles the report by its scope', () => {
    expect(report.title).toBe('IDM anomaly and alarm report: area Boiler');
    expect(reportTitle({ sensor_ids: ['a', 'b'] })).toBe('IDM anomaly and alarm report: sensors a, b');
    expect(formatDuration(3725)).toBe('1 h 02 min');
    expect(formatDuration(null)).toBe('n/a');
  });

  it('writes a CSV of titled sections with quoting and no formula injection', () => {
    expect(csvField('a,b')).toBe('"a,b"');
    expect(csvField('say "hi"')).toBe('"say ""hi"""');
    expect(csvField('=cmd()')).toBe("'=cmd()");
    expect(csvField(-1.5)).toBe('-1.5');
    const csv = reportToCsv(report).split('\r\n');
    expect(csv[0]).toBe('IDM anomaly and alarm report: area Boiler');
    expect(csv).toContain('alarms,1');
    expect(csv).toContain('anomalies,1');
    expect(csv).toContain('mttr_s,60');
    expect(csv).toContain('p1,bar,10,1.5,0.2,1,2,1.1,1.5,1.9,1');
  });

  it('writes a PDF document', async () => {
    const pdf = await reportToPdf(report);
    expect(pdf.subarray(0, 5).toString()).toBe('%PDF-');
    expect(pdf.subarray(-6).toString()).toContain('%%EOF');
    expect(pdf.length).toBeGreaterThan(2000);
  });
});
