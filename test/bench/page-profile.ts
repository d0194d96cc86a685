/**
 * Where a page's main-thread time goes while a benchmark records, in measures that machine load inflates
 * less than wall-clock long tasks: the renderer's own thread time per task (from a Chromium trace) and a
 * V8 CPU profile's self time per source module (through the client build's source maps).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Browser, CDPSession, Page } from 'playwright-core';
// Comes with Vite (the client's build tool, through PostCSS); only this bench tool reads it.
import { SourceMapConsumer } from 'source-map-js';

interface TraceEvent {
  name: string;
  cat: string;
  ph: string;
  pid: number;
  tid: number;
  ts: number;
  dur?: number;
  tdur?: number;
  args?: { name?: string; data?: { functionName?: string; url?: string } };
}

export interface TaskStats {
  /** Main-thread tasks of the page whose wall time was over 50 ms. */
  over50Wall: number;
  /** Main-thread tasks whose thread (CPU) time was over 50 ms: the part load does not add. */
  over50Cpu: number;
  maxWallMs: number;
  maxCpuMs: number;
  /** Thread (CPU) time of the task with the longest wall time: how much of it was the page's own work. */
  cpuOfLongestWallMs: number;
  /** Main-thread CPU ms per second of recording. */
  cpuMsPerS: number;
  /** Wall ms per second by kind of work, summed over the whole recording (not nested). */
  byKind: Record<string, number>;
  /** The five longest tasks (by thread time): wall, thread and what they did (wall ms by kind). */
  longest: { wallMs: number; cpuMs: number; kinds: Record<string, number> }[];
}

const CATEGORIES = ['toplevel', 'devtools.timeline', 'disabled-by-default-devtools.timeline', 'v8', 'v8.execute', 'blink.user_timing'];

/** The work a trace event stands for, in the words of the breakdown. */
function kindOf(e: TraceEvent): string | null {
  switch (e.name) {
    case 'FunctionCall':
    case 'EvaluateScript':
    case 'v8.callFunction':
      return 'script';
    case 'MinorGC':
    case 'MajorGC':
    case 'V8.GC_SCAVENGER':
    case 'V8.GC_MARK_COMPACTOR':
    case 'BlinkGC.AtomicPhase':
      return 'gc';
    case 'UpdateLayoutTree':
    case 'RecalculateStyles':
    case 'ParseAuthorStyleSheet':
      return 'style';
    case 'Layout':
      return 'layout';
    case 'PrePaint':
    case 'Paint':
    case 'PaintImage':
    case 'Layerize':
    case 'UpdateLayer':
    case 'UpdateLayerTree':
    case 'Commit':
    case 'CompositeLayers':
      return 'paint';
    case 'HitTest':
    case 'IntersectionObserverController::computeIntersections':
    case 'ComputeIntersections':
      return 'other-render';
    default:
      return null;
  }
}

export async function startTrace(browser: Browser, page: Page): Promise<void> {
  await browser.startTracing(page, { categories: CATEGORIES });
}

/** Stops the trace and sums the page's main-thread tasks. The whole trace is kept in `file` for DevTools. */
export async function stopTrace(browser: Browser, seconds: number, file?: string): Promise<TaskStats> {
  const buf = await browser.stopTracing();
  if (file) fs.writeFileSync(file, buf);
  const events = (JSON.parse(buf.toString('utf8')) as { traceEvents: TraceEvent[] }).traceEvents;
  // The renderer's main thread: the CrRendererMain that ran the most tasks (there may be several renderers).
  const mains = events.filter((e) => e.ph === 'M' && e.name === 'thread_name' && e.args?.name === 'CrRendererMain').map((e) => `${e.pid}:${e.tid}`);
  const tasks = new Map<string, TraceEvent[]>();
  for (const e of events) {
    if (e.name !== 'RunTask' || e.ph !== 'X') continue;
    const key = `${e.pid}:${e.tid}`;
    if (mains.includes(key)) (tasks.get(key) ?? tasks.set(key, []).get(key)!).push(e);
  }
  const [mainKey, allTasks] = [...tasks.entries()].sort((a, b) => b[1].length - a[1].length)[0] ?? ['', []];
  // Starting the CPU profiler is one long task of its own: not the page's.
  const profilerStarts = events.filter((e) => e.name === 'CpuProfiler::StartProfiling').map((e) => e.ts);
  const runTasks = allTasks.filter((t) => !profilerStarts.some((ts) => ts >= t.ts && ts <= t.ts + (t.dur ?? 0)));
  const onMain = events.filter((e) => e.ph === 'X' && `${e.pid}:${e.tid}` === mainKey).sort((a, b) => a.ts - b.ts || (b.dur ?? 0) - (a.dur ?? 0));
  // Outermost event of each kind only (a FunctionCall inside a FunctionCall counts once).
  const kindSpans: { kind: string; ts: number; end: number }[] = [];
  const open: { kind: string; end: number }[] = [];
  for (const e of onMain) {
    const kind = kindOf(e);
    if (!kind) continue;
    while (open.length && open[open.length - 1].end <= e.ts) open.pop();
    const end = e.ts + (e.dur ?? 0);
    if (open.some((o) => o.kind === kind)) continue;
    kindSpans.push({ kind, ts: e.ts, end });
    open.push({ kind, end });
  }
  // Self time within [from, to): each microsecond goes to the innermost kind covering it (spans nest).
  const selfByKind = (from: number, to: number): Record<string, number> => {
    const out: Record<string, number> = {};
    let cursor = from;
    const credit = (kind: string, until: number) => {
      if (until > cursor) out[kind] = (out[kind] ?? 0) + (until - cursor) / 1000;
      cursor = Math.max(cursor, until);
    };
    const stack: { kind: string; end: number }[] = [];
    let lo = 0;
    let hi = kindSpans.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (kindSpans[mid].ts < from) lo = mid + 1;
      else hi = mid;
    }
    for (let i = lo; i < kindSpans.length && kindSpans[i].ts < to; i++) {
      const s = kindSpans[i];
      while (stack.length && stack[stack.length - 1].end <= s.ts) {
        const top = stack.pop()!;
        credit(top.kind, top.end);
      }
      credit(stack.length ? stack[stack.length - 1].kind : 'task (other)', s.ts);
      stack.push({ kind: s.kind, end: Math.min(s.end, to) });
    }
    while (stack.length) {
      const top = stack.pop()!;
      credit(top.kind, top.end);
    }
    credit('task (other)', to);
    return out;
  };
  let cpu = 0;
  const byKind: Record<string, number> = {};
  for (const t of runTasks) {
    cpu += (t.tdur ?? t.dur ?? 0) / 1000;
    for (const [k, v] of Object.entries(selfByKind(t.ts, t.ts + (t.dur ?? 0)))) byKind[k] = (byKind[k] ?? 0) + v;
  }
  const longest = [...runTasks]
    .sort((a, b) => (b.tdur ?? b.dur ?? 0) - (a.tdur ?? a.dur ?? 0))
    .slice(0, 5)
    .map((t) => ({ wallMs: (t.dur ?? 0) / 1000, cpuMs: (t.tdur ?? 0) / 1000, kinds: round(selfByKind(t.ts, t.ts + (t.dur ?? 0))) }));
  return {
    over50Wall: runTasks.filter((t) => (t.dur ?? 0) > 50_000).length,
    over50Cpu: runTasks.filter((t) => (t.tdur ?? 0) > 50_000).length,
    maxWallMs: Math.max(0, ...runTasks.map((t) => (t.dur ?? 0) / 1000)),
    maxCpuMs: Math.max(0, ...runTasks.map((t) => (t.tdur ?? 0) / 1000)),
    cpuOfLongestWallMs: (runTasks.reduce<TraceEvent | null>((a, t) => (!a || (t.dur ?? 0) > (a.dur ?? 0) ? t : a), null)?.tdur ?? 0) / 1000,
    cpuMsPerS: cpu / seconds,
    byKind: round(Object.fromEntries(Object.entries(byKind).map(([k, v]) => [k, v / seconds]))),
    longest,
  };
}

function round(o: Record<string, number>): Record<string, number> {
  return Object.fromEntries(Object.entries(o).map(([k, v]) => [k, Math.round(v * 10) / 10]));
}

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number; columnNumber: number };
}

export async function startCpuProfile(page: Page): Promise<CDPSession> {
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Profiler.enable');
  await cdp.send('Profiler.setSamplingInterval', { interval: 200 });
  await cdp.send('Profiler.start');
  return cdp;
}

/**
 * Stops the profile and sums self time per original source module (node_modules packages by name, the
 * client's own files by path) and per function, mapping the built bundle back through its source maps.
 */
export async function stopCpuProfile(cdp: CDPSession, seconds: number, distDir: string, file?: string): Promise<{ byModule: [string, number][]; byFunction: [string, number][] }> {
  const { profile } = (await cdp.send('Profiler.stop')) as unknown as { profile: { nodes: ProfileNode[]; samples: number[]; timeDeltas: number[] } };
  await cdp.detach();
  if (file) fs.writeFileSync(file, JSON.stringify(profile));
  const self = new Map<number, number>();
  profile.samples.forEach((id, i) => self.set(id, (self.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0) / 1000));
  const locate = sourceLocator(distDir);
  const byModule = new Map<string, number>();
  const byFunction = new Map<string, number>();
  for (const n of profile.nodes) {
    const ms = self.get(n.id) ?? 0;
    if (!ms) continue;
    const where = locate(n.callFrame);
    byModule.set(where.module, (byModule.get(where.module) ?? 0) + ms);
    const fn = `${where.name} (${where.module})`;
    byFunction.set(fn, (byFunction.get(fn) ?? 0) + ms);
  }
  const top = (m: Map<string, number>, n: number) =>
    [...m.entries()]
      .sort((a, b) => b[1] - a[1])
      .slice(0, n)
      .map(([k, v]) => [k, Math.round((v / seconds) * 10) / 10] as [string, number]);
  return { byModule: top(byModule, 15), byFunction: top(byFunction, 25) };
}

/** Maps a bundle position to its original module and function name; without a source map, the frame as is. */
function sourceLocator(distDir: string): (f: ProfileNode['callFrame']) => { module: string; name: string } {
  const consumers = new Map<string, InstanceType<typeof SourceMapConsumer> | null>();
  return (f) => {
    if (!f.url) return { module: f.functionName || '(native)', name: f.functionName || '(native)' };
    const base = path.basename(new URL(f.url, 'http://x').pathname);
    if (!consumers.has(base)) {
      const map = path.join(distDir, 'assets', `${base}.map`);
      consumers.set(base, fs.existsSync(map) ? new SourceMapConsumer(JSON.parse(fs.readFileSync(map, 'utf8'))) : null);
    }
    const c = consumers.get(base);
    if (!c) return { module: base, name: f.functionName || '(anonymous)' };
    const pos = c.originalPositionFor({ line: f.lineNumber + 1, column: f.columnNumber });
    const src = pos.source ?? base;
    const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(src);
    const module = pkg ? pkg[1] : src.replace(/^.*?\/src\//, 'src/');
    return { module, name: pos.name ?? (f.functionName || '(anonymous)') };
  };
}
