import { resolveConfig, settingsFromOverrides } from './config';
import { SensorDetector } from './sensor-detector';
import { gaussian } from './testing/signals';

describe('resolveConfig', () => {
  it('scales windows to the sample period, within sane bounds', () => {
    const minute = resolveConfig(60_000);
    const fiveMinutes = resolveConfig(300_000);
    expect(minute.warmupSamples).toBe(1440); // 24 h
    expect(fiveMinutes.warmupSamples).toBe(288);
    expect(minute.alpha).toBeLessThan(fiveMinutes.alpha); // longer memory in samples at a faster rate
    expect(resolveConfig(100).warmupSamples).toBe(5000); // clamped
    expect(resolveConfig(86_400_000).warmupSamples).toBe(30); // clamped
  });

  it('applies per-sensor overrides and keeps the other defaults', () => {
    const c = resolveConfig(60_000, { zThreshold: 6, warmupMs: 3_600_000, enabled: { runRules: false } });
    expect(c.zThreshold).toBe(6);
    expect(c.warmupSamples).toBe(60);
    expect(c.enabled.runRules).toBe(false);
    expect(c.enabled.zscore).toBe(true);
    expect(c.cusumH).toBe(resolveConfig(60_000).cusumH);
  });

  it('is resolved by the detector once the sample period is known from the first intervals', () => {
    const d = new SensorDetector();
    gaussian(10).forEach((v, i) => d.step(i * 5000, v));
    expect(d.resolved.periodMs).toBe(5000);
    expect(d.resolved.warmupSamples).toBe(5000); // 24 h at 5 s, clamped
  });
});

describe('settingsFromOverrides', () => {
  it('maps wire overrides to engine settings, the sensor layer winning over the unit layer', () => {
    const unit = { z_threshold: 6, warmup_ms: 3_600_000, enabled: { runRules: false, stuck: false } };
    const sensor = { z_threshold: 7, enabled: { stuck: true } };
    expect(settingsFromOverrides(unit, sensor)).toEqual({ zThreshold: 7, warmupMs: 3_600_000, enabled: { runRules: false, stuck: true } });
    expect(settingsFromOverrides(null, undefined)).toEqual({});
  });
});
