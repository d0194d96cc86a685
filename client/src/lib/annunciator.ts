import type { AlarmPriorityName } from '@idm/contracts';

let ctx: AudioContext | null = null;

/** Tone pattern per priority: more and higher beeps for more urgent alarms. */
const PATTERN: Record<AlarmPriorityName, { hz: number; beeps: number }> = {
  critical: { hz: 1046, beeps: 3 },
  high: { hz: 880, beeps: 2 },
  medium: { hz: 660, beeps: 1 },
  low: { hz: 520, beeps: 0 },
};

/** Sounds the alarm horn once (WebAudio; silently does nothing where audio is unavailable or blocked). */
export function sound(priority: AlarmPriorityName): void {
  const Ctor = (globalThis as { AudioContext?: typeof AudioContext }).AudioContext;
  const { hz, beeps } = PATTERN[priority];
  if (!Ctor || !beeps) return;
  try {
    ctx ??= new Ctor();
    if (ctx.state === 'suspended') void ctx.resume();
    const t0 = ctx.currentTime;
    for (let i = 0; i < beeps; i++) {
      const osc = ctx.createOscillator();
      const gain = ctx.createGain();
      osc.frequency.value = hz;
      gain.gain.setValueAtTime(0.0001, t0 + i * 0.3);
      gain.gain.exponentialRampToValueAtTime(0.25, t0 + i * 0.3 + 0.02);
      gain.gain.exponentialRampToValueAtTime(0.0001, t0 + i * 0.3 + 0.2);
      osc.connect(gain).connect(ctx.destination);
      osc.start(t0 + i * 0.3);
      osc.stop(t0 + i * 0.3 + 0.22);
    }
  } catch {
    /* audio blocked: the banner is still there */
  }
}
