import { describe, expect, it } from 'vitest';
import { processEvents, type ProcessEvent } from '../src/analysis/process-events.js';
import { resolveThresholds } from '../src/analysis/thresholds.js';
import { userTotals } from '../src/analysis/user-totals.js';
import { formatDay } from '../src/core/units.js';
import type { Sample } from '../src/core/sample.js';
import type { Timeline } from '../src/core/timeline.js';
import type { Culprit, Spike } from '../src/core/spike.js';
import { SampleHistory } from '../src/core/sample-history.js';
import {
  cpuSeries,
  cpuTitle,
  cursorClock,
  downsampleMax,
  eventLine,
  fit,
  graphSeries,
  graphWindow,
  inspectorSummary,
  memorySeries,
  memoryTitle,
  recentEvents,
  resolveSelection,
  selectedIndex,
  sameLocalDay,
  scrollOffset,
  sparkLines,
  sparkline,
  spikeLogLine,
  spikeLogLines,
  spikeRuleText,
  zoomedMaxY,
  statusLine,
  timelineSpan,
  userLines,
} from '../src/ui/view-model.js';
import { makeProcess, makeSample } from './helpers/make-sample.js';

const GiB = 1024 ** 3;
const MiB = 1024 ** 2;
const at = (h: number, m: number, s: number, ms = 0): number => new Date(2026, 10, 22, h, m, s, ms).getTime();
/** Local time on another day of November 2026. */
const on = (day: number, h: number, m: number, s: number): number => new Date(2026, 10, day, h, m, s).getTime();

function culprit(name: string, pid: number, share: number, extra: Partial<Culprit> = {}): Culprit {
  return { pid, name, cmd: name, user: 'alice', startTime: 0, rise: share * 100, share, ...extra };
}

function spike(p: Partial<Spike> & { start: number }): Spike {
  return { id: `memory@${p.start}`, metric: 'memory', end: p.start, peak: 0, peakAt: p.start, min: 0, avg: 0, baseline: 0, severity: 'warning', culprits: [], ...p };
}

describe('process table selection', () => {
  it('keeps the selection on the same process when the order changes', () => {
    const rows = [{ key: 'a' }, { key: 'b' }, { key: 'c' }];
    expect(resolveSelection(rows, 'c', 0)).toBe(2);
    expect(resolveSelection(rows, 'gone', 1)).toBe(1);
    expect(resolveSelection(rows, null, 9)).toBe(2);
    expect(resolveSelection([], 'a', 3)).toBe(0);
  });

  it('while following, selects the followed row or none, never a stand-in in its place', () => {
    const rows = [{ key: 'a' }, { key: 'b' }, { key: 'c' }];
    expect(selectedIndex(rows, { key: 'a', index: 0 }, 'c')).toBe(2);
    expect(selectedIndex(rows, { key: 'a', index: 0 }, 'gone')).toBeNull();
    expect(selectedIndex(rows, { key: 'b', index: 0 }, null)).toBe(1);
    expect(selectedIndex([], { key: null, index: 0 }, null)).toBeNull();
  });
});

describe('spike log', () => {
  it('writes the line the spec shows', () => {
    const s = spike({ start: at(3, 12, 5), end: at(3, 12, 5, 800), peak: 7.1 * GiB, culprits: [culprit('alloc', 4242, 0.92), culprit('node', 77, 0.05)] });
    expect(spikeLogLine(s)).toBe('03:12:05 MEM 7.1G 0.8s  alloc[4242] 92%, node[77] 5%');
  });

  it('lists newest first, at most three culprits each, with their markers', () => {
    const cpu = spike({
      id: 'cpu@2',
      metric: 'cpu',
      start: at(3, 20, 0),
      end: at(3, 20, 30),
      peak: 97.4,
      severity: 'critical',
      culprits: [culprit('make', 40, 0.7, { viaChildren: true }), culprit('cc1', 41, 0.2, { exited: true }), culprit('a', 1, 0.05), culprit('b', 2, 0.05)],
    });
    const mem = spike({ start: at(3, 12, 5), peak: GiB, culprits: [] });
    const lines = spikeLogLines([mem, cpu]);
    expect(lines.map((l) => l.id)).toEqual(['cpu@2', mem.id]);
    expect(lines[0]?.text).toBe('03:20:00 CPU 97% 30s  make[40] 70% via children, cc1[41] 20% exited, a[1] 5%');
    expect(lines[0]?.severity).toBe('critical');
    // Seen in a single sample: shorter than the interval, not "0.0s".
    expect(lines[1]?.text).toBe('03:12:05 MEM 1.0G <1.0s  (no culprit found)');
  });

  it('writes OOM kills and limit hits as such', () => {
    const kill = spike({ id: 'oom@1', metric: 'oom', start: at(3, 12, 5), end: at(3, 12, 5), peak: 64 * 1024 ** 2, culprits: [culprit('alloc', 4242, 1, { rise: 61 * 1024 ** 2, exited: true })] });
    expect(spikeLogLine(kill)).toBe('03:12:05 OOM kill 64.0M <1.0s  alloc[4242] last RSS 61.0M');
    const hit = spike({ id: 'limit@1', metric: 'limit', start: at(3, 12, 4), end: null, peak: 63 * 1024 ** 2, culprits: [culprit('alloc', 4242, 1)] });
    expect(spikeLogLine(hit, at(3, 12, 5))).toBe('03:12:04 MEM limit hit 63.0M 1.0s+  alloc[4242] 100%');
  });

  it('gives an ongoing spike its duration so far', () => {
    const s = spike({ start: at(3, 0, 0), end: null, peak: 2 * GiB });
    expect(spikeLogLine(s, at(3, 0, 3))).toBe('03:00:00 MEM 2.0G 3.0s+  (no culprit found)');
    expect(spikeLogLine(s)).toContain(' ongoing ');
  });

  it('dates a spike from another local day than the newest sample, not one from the same day', () => {
    const old = spike({ start: on(19, 3, 12, 5), end: on(19, 3, 12, 5), peak: 7.1 * GiB, culprits: [culprit('alloc', 4242, 0.92)] });
    const today = spike({ id: 'today', start: on(22, 0, 0, 1), peak: GiB });
    const newest = on(22, 23, 59, 59);
    expect(spikeLogLine(old, newest)).toBe('11-19 03:12:05 MEM 7.1G <1.0s  alloc[4242] 92%');
    expect(spikeLogLine(today, newest)).toBe('00:00:01 MEM 1.0G <1.0s  (no culprit found)');
    // One second before midnight is still the day before.
    expect(spikeLogLine(spike({ start: on(21, 23, 59, 59) }), newest)).toMatch(/^11-21 23:59:59 MEM /);
    // Without a newest sample there is no day to compare with.
    expect(spikeLogLine(old)).toMatch(/^03:12:05 MEM /);
    // A windowed replay compares with the whole history's newest sample, not the window's.
    expect(spikeLogLine(today, on(22, 0, 0, 2), 1000, on(23, 1, 0, 0))).toMatch(/^11-22 00:00:01 MEM 1\.0G <1\.0s /);
    expect(spikeLogLines([today, old], newest).map((l) => l.text.slice(0, 14))).toEqual(['00:00:01 MEM 1', '11-19 03:12:05']);
  });
});

describe('graphs', () => {
  it('follows live at the right edge, centres a paused cursor, clamps at the ends', () => {
    expect(graphWindow(100, 99, 30, true)).toEqual({ start: 70, end: 100, cursorOffset: 29 });
    expect(graphWindow(100, 50, 30, false)).toEqual({ start: 35, end: 65, cursorOffset: 15 });
    expect(graphWindow(100, 5, 30, false)).toEqual({ start: 0, end: 30, cursorOffset: 5 });
    expect(graphWindow(100, 98, 30, false)).toEqual({ start: 70, end: 100, cursorOffset: 28 });
    expect(graphWindow(10, 9, 30, true)).toEqual({ start: 0, end: 10, cursorOffset: 9 });
    expect(graphWindow(0, -1, 30, true)).toEqual({ start: 0, end: 0, cursorOffset: 0 });
  });

  it('plots the true peak inside each interval, not the value at the tick', () => {
    const s = makeSample({ time: at(3, 0, 0), cpuBusy: 20, memUsed: 2 * GiB });
    const peaky: Sample = { ...s, cpu: { ...s.cpu, busyMax: 90 }, memory: { ...s.memory, usedMax: 6 * GiB, swapUsed: GiB } };
    expect(cpuSeries([peaky], false)).toEqual([{ title: 'busy (peak)', x: ['03:00:00'], y: [90] }]);
    const mem = memorySeries([peaky]);
    expect(mem.map((m) => m.title)).toEqual(['used (peak)', 'cached', 'swap']);
    expect(mem.map((m) => m.y[0])).toEqual([75, 12.5, 50]);
    const perCore = cpuSeries([peaky], true);
    expect(perCore.map((c) => c.title)).toEqual(['cpu0', 'cpu1']);
    expect(perCore[0]?.y).toEqual([20]);
  });

  it('reads only the window from the timeline', () => {
    const h = new SampleHistory(100);
    for (let i = 0; i < 100; i++) h.push(makeSample({ time: at(3, 0, 0) + i * 1000, cpuBusy: i }));
    const g = graphSeries(h, 99, 10, { follow: true, graph: 'cpu' });
    expect(g.series.map((s) => s.title)).toEqual(['busy (peak)']);
    expect(g.series[0]?.y).toEqual([90, 91, 92, 93, 94, 95, 96, 97, 98, 99]);
    expect(g.window).toEqual({ start: 90, end: 100, cursorOffset: 9 });
    expect(graphSeries(h, 99, 10, { follow: true, graph: 'memory' }).series).toHaveLength(3);
    expect(graphSeries(h, 99, 10, { follow: true, graph: 'cpu-per-core' }).series.map((s) => s.title)).toEqual(['cpu0', 'cpu1']);
  });

  it('spaces samples by time: an outage inside the window is empty columns, and the cursor keeps its sample', () => {
    const h = new SampleHistory(100);
    // 20 samples, a 10 s hole, 20 more.
    for (let i = 0; i < 40; i++) h.push(makeSample({ time: at(3, 0, 0) + (i < 20 ? i : i + 10) * 1000, cpuBusy: 100 }));
    const live = graphSeries(h, 39, 30, { follow: true, graph: 'cpu' });
    const y = live.series[0]?.y ?? [];
    expect(y).toHaveLength(30);
    // The last 30 s: the hole (03:00:20–29), then the 20 samples after it.
    expect(y.map((v) => (Number.isNaN(v) ? '.' : 'x')).join('')).toBe(`${'.'.repeat(10)}${'x'.repeat(20)}`);
    expect(live.series[0]?.x.at(-1)).toBe('03:00:49');
    // Paused on the first sample after the hole: the values around it, the cursor on it.
    const paused = graphSeries(h, 20, 30, { follow: false, graph: 'memory' });
    expect(paused.series[0]?.y[paused.window.cursorOffset]).not.toBeNaN();
    expect(paused.series[0]?.x[paused.window.cursorOffset]).toBe('03:00:30');
    expect(Number.isNaN(paused.series[0]?.y[paused.window.cursorOffset - 1])).toBe(true);
  });

  it('zoomed, the memory graph shows used only, up to a round top above its highest peak, and says where its axis ends', () => {
    const h = new SampleHistory(100);
    // 24 GiB at 2 % used, one 500 MB transient.
    const roomy = (i: number, used: number): Sample => {
      const s = makeSample({ time: at(3, 0, 0) + i * 1000, memUsed: used });
      return { ...s, memory: { ...s.memory, total: 24 * GiB, used, usedMax: used } };
    };
    for (let i = 0; i < 60; i++) h.push(roomy(i, i === 30 ? 1 * GiB : 0.5 * GiB));
    const g = graphSeries(h, 59, 60, { follow: true, graph: 'memory', zoom: true });
    expect(g.series.map((s) => s.title)).toEqual(['used (peak)']);
    // Highest peak 4.17 % of the total: the axis ends at 5 %, so the spike fills most of the height.
    expect(g.maxY).toBe(5);
    expect(memoryTitle(h.at(59), Infinity, g.maxY)).toBe('Memory 512M/24.0G peak 512M cached 1.0G swap 0B axis 0–1.2G (z)');
    // A narrower title keeps the axis before it drops cached and swap's company.
    expect(memoryTitle(h.at(59), 40, g.maxY)).toBe('Mem 512M/24.0G pk 512M axis 0–1.2G');
    expect(graphSeries(h, 59, 60, { follow: true, graph: 'memory' }).maxY).toBe(100);
    expect(zoomedMaxY([{ title: 'x', x: [], y: [70] }])).toBe(100);
    expect(zoomedMaxY([{ title: 'x', x: [], y: [0.3] }])).toBe(0.5);
    expect(zoomedMaxY([{ title: 'x', x: [], y: [12] }])).toBe(20);
  });

  it('the empty spike log says in one line what counts as a spike', () => {
    const text = spikeRuleText(resolveThresholds(), 24 * GiB);
    expect(text).toBe('no spikes yet · a spike is CPU ≥80% (+20) or MEM ≥80% of 24.0G (+10) over the last minute, or a sudden CPU +50 pts / MEM +246M');
    expect(spikeRuleText(resolveThresholds({ cpu: { rise: 0 }, memory: { rise: 0 } }), 0)).not.toContain('sudden');
    expect(spikeRuleText(resolveThresholds(), 24 * GiB, true)).toMatch(/; a probe's LAT 2× its usual and \+100ms$/);
  });

  it('titles with the numbers at the cursor, shortening to fit', () => {
    const s = makeSample({ time: at(3, 0, 0), cpuBusy: 31, memUsed: 2 * GiB });
    // iowait and steal apart from busy, shortened before the peak is.
    const waiting = { ...s, cpu: { ...s.cpu, total: { ...s.cpu.total, iowait: 12.5, steal: 3 } } };
    expect(cpuTitle(waiting, false)).toBe('CPU 31.0% peak 31.0% iowait 12.5% steal 3.0%');
    expect(cpuTitle(waiting, false, 37)).toBe('CPU 31.0% peak 31.0% io 12.5% st 3.0%');
    expect(cpuTitle(waiting, false, 30)).toBe('CPU 31.0% peak 31.0%');
    // Per core and narrow, the total stays.
    expect(cpuTitle(s, true, 30)).toBe('2 cores 31.0% pk 31.0%');
    expect(cpuTitle(s, true, 20)).toBe('2 cores 31.0%');
    expect(memoryTitle(s)).toBe('Memory 2.0G/8.0G peak 2.0G cached 1.0G swap 0B');
    expect(memoryTitle(s, 24)).toBe('Mem 2.0G/8.0G pk 2.0G');
    // Under a cgroup limit the total is the limit, and the title says so.
    const limited = { ...s, memory: { ...s.memory, used: 412 * 1024 ** 2, usedMax: 430 * 1024 ** 2, total: 512 * 1024 ** 2, limit: 512 * 1024 ** 2 } };
    expect(memoryTitle(limited)).toBe('Memory 412M/512M limit peak 430M cached 1.0G swap 0B');
    expect(memoryTitle(limited, 20)).toBe('Mem 412M/512M limit');
    expect(cpuTitle(undefined, false)).toBe('CPU');
  });
});

describe('sparklines', () => {
  it('scales to the largest value shown and keeps the newest', () => {
    expect(sparkline([0, 1, 2, 3, 4, 5, 6, 7], 8)).toBe('▁▂▃▄▅▆▇█');
    expect(sparkline([100, 0, 7], 2)).toBe('▁█');
    expect(sparkline([0, 0], 4)).toBe('▁▁');
    expect(sparkline([NaN, 1], 2)).toBe('▁█');
  });

  it('sums the network over interfaces and the disks over devices', () => {
    const s = makeSample({ time: at(3, 0, 0) });
    const two: Sample = {
      ...s,
      net: [
        { name: 'eth0', rxBytesPerSec: 1024, txBytesPerSec: 0 },
        { name: 'eth1', rxBytesPerSec: 1024, txBytesPerSec: 512 },
        // The same bytes again over a bridge: not counted.
        { name: 'br0', rxBytesPerSec: 1024, txBytesPerSec: 512, virtual: true },
      ],
      disks: [
        { device: 'sda', readBytesPerSec: 3 * MiB, writeBytesPerSec: 0 },
        { device: 'sdb', readBytesPerSec: MiB, writeBytesPerSec: 0 },
      ],
    };
    const lines = sparkLines([s, two], 20);
    expect(lines.map((l) => l.slice(0, 12))).toEqual(['load   0.20 ', 'rx     2.0K ', 'tx     512B ', 'read   4.0M ', 'write    0B ', '5/15m 0.17 0']);
    expect(lines[1]).toBe('rx     2.0K ▄█');
    expect(lines.every((l) => l.length <= 20)).toBe(true);
  });

  it('ends with the 5 and 15 minute load and the pressure at the cursor; no psi part without PSI', () => {
    const s = makeSample({ time: at(3, 0, 0) });
    const pressed: Sample = { ...s, load: { one: 2, five: 1.25, fifteen: 0.5 }, pressure: { cpu: 4.5, memory: 0, io: 12.25 } };
    expect(sparkLines([s, pressed], 60).at(-1)).toBe('5/15m 1.25 0.50  psi cpu 4.5 mem 0.0 io 12.3');
    expect(sparkLines([{ ...pressed, pressure: { cpu: null, memory: null, io: null } }], 60).at(-1)).toBe('5/15m 1.25 0.50');
    expect(sparkLines([], 60)).toHaveLength(5);
  });
});

describe('users and events', () => {
  it('lists CPU and memory per user', () => {
    const s = makeSample({
      time: at(3, 0, 0),
      processes: [
        makeProcess({ pid: 1, name: 'a', user: 'alice', uid: 1000, cpu: 10, rss: MiB }),
        makeProcess({ pid: 2, name: 'b', user: 'alice', uid: 1000, cpu: 5, rss: MiB }),
        makeProcess({ pid: 3, name: 'c', user: 'root', uid: 0, cpu: 1, rss: 5 * MiB }),
      ],
    });
    expect(userLines(userTotals(s.processes), 40)).toEqual(['USER         CPU%    RSS PROCS', 'alice        15.0   2.0M     2', 'root          1.0   5.0M     1']);
    expect(userLines(undefined, 40)).toEqual([]);
  });

  it('lists recent starts and exits newest first, within the scan limit', () => {
    const h = new SampleHistory(100);
    const base = at(3, 0, 0);
    const p = (pid: number, name: string): ReturnType<typeof makeProcess> => makeProcess({ pid, name, startTime: base + pid * 1000 - 500 });
    h.push(makeSample({ time: base, processes: [] }));
    h.push(makeSample({ time: base + 1000, processes: [p(1, 'one')] }));
    h.push(makeSample({ time: base + 2000, processes: [p(1, 'one'), p(2, 'two')] }));
    h.push(makeSample({ time: base + 3000, processes: [p(2, 'two')] }));
    const fromSamples = (tl: Timeline, i: number): readonly ProcessEvent[] | undefined => {
      const cur = tl.at(i);
      return cur && processEvents(tl.at(i - 1), cur);
    };
    const all = recentEvents(h, 3, 10, 100, fromSamples);
    expect(all.map(eventLine)).toEqual(['03:00:03 - one[1] alice', '03:00:01 + two[2] alice', '03:00:00 + one[1] alice']);
    expect(recentEvents(h, 3, 1, 100, fromSamples)).toHaveLength(1);
    // The cursor at the second sample sees only what happened up to it.
    expect(recentEvents(h, 1, 10, 100, fromSamples).map((e) => e.name)).toEqual(['one']);
    expect(recentEvents(h, 3, 10, 1, fromSamples).map((e) => e.name)).toEqual(['one']);
  });
});

describe('status line', () => {
  const info = { host: 'db1', uptime: 93_600, mode: 'live' as const, cursorTime: null, playSpeed: 0, intervalMs: 1000, extra: '', message: '' };

  it('says host, uptime, mode and interval, and the key hints that fit', () => {
    const wide = statusLine(info, 120);
    expect(wide).toMatch(/^db1 │ up 26h00m │ LIVE │ every 1\.0s +q quit {2}space pause {2}←→ step {2}tab focus {2}\? help$/);
    expect(wide).toHaveLength(120);
    expect(statusLine(info, 70)).toMatch(/LIVE │ every 1\.0s +q quit {2}space pause {2}\? help$/);
    expect(statusLine(info, 50)).toMatch(/LIVE │ every 1\.0s +\? help$/);
  });

  it('before the first sample says only what it knows', () => {
    expect(statusLine({ ...info, host: 'local', intervalMs: 0 }, 60)).toMatch(/^local │ LIVE +q quit/);
  });

  it('shows the cursor time when paused or in replay, and the play speed', () => {
    const t = at(3, 12, 5);
    expect(statusLine({ ...info, mode: 'paused', cursorTime: t }, 100)).toContain('PAUSED 03:12:05 │');
    expect(statusLine({ ...info, mode: 'replay', cursorTime: t, playSpeed: 10, extra: 'night.tmon' }, 100)).toContain('REPLAY 03:12:05 ▶10x │ every 1.0s │ night.tmon');
    // A timeline within one local day needs no date.
    expect(statusLine({ ...info, mode: 'replay', cursorTime: t, span: { first: at(0, 0, 0), last: at(23, 59, 59) } }, 100)).toContain('REPLAY 03:12:05 │');
  });

  it('dates the cursor time when the timeline crosses a local midnight, shortening before cutting', () => {
    const replay = { ...info, mode: 'replay' as const, cursorTime: on(19, 3, 12, 5), span: { first: on(18, 22, 0, 0), last: on(22, 1, 0, 0) } };
    expect(statusLine(replay, 130)).toMatch(/^db1 │ up 26h00m │ REPLAY 2026-11-19 03:12:05 │ every 1\.0s +q quit/);
    expect(statusLine({ ...replay, mode: 'paused' }, 120)).toContain('PAUSED 2026-11-19 03:12:05 │');
    // Too narrow for all of it: the year goes, then the uptime, before the message is cut.
    const message = 'this is stored history: Esc or q leaves it';
    expect(statusLine({ ...replay, message }, 100)).toBe(`db1 │ up 26h00m │ REPLAY 11-19 03:12:05 │ every 1.0s │ ${message}`);
    expect(statusLine({ ...replay, message }, 86)).toBe(`db1 │ REPLAY 11-19 03:12:05 │ every 1.0s │ ${message}`);
    expect(statusLine({ ...replay, message }, 60)).toBe('db1 │ REPLAY 11-19 03:12:05 │ every 1.0s │ this is stored h…');
    expect(statusLine({ ...replay, intervalMs: 250 }, 100)).toContain('│ every 250ms');
    // Live shows no cursor time, so no date either.
    expect(statusLine({ ...replay, mode: 'live', cursorTime: null }, 120)).toMatch(/^db1 │ up 26h00m │ LIVE │ every 1\.0s /);
  });
});

describe('inspector', () => {
  const proc = { key: '4242@1', pid: 4242, name: 'alloc', user: 'alice', cmd: 'alloc --size 5G' };

  it('summarises the whole history of the process', () => {
    const points = [
      { time: at(3, 12, 4), cpu: 5, rss: 20 * MiB, exited: false },
      { time: at(3, 12, 5), cpu: 95, rss: 5 * GiB, exited: false },
      { time: at(3, 12, 6), cpu: 50, rss: 4 * GiB, exited: false },
    ];
    expect(inspectorSummary(proc, { points, facts: undefined, spikes: [] })).toEqual([
      'alloc[4242]  user alice',
      'command: alloc --size 5G',
      'seen 03:12:04–03:12:06 (3 samples)',
      'peak CPU 95.0% at 03:12:05   peak RSS 5.0G at 03:12:05',
    ]);
    expect(inspectorSummary(proc, { points: [], facts: undefined, spikes: [] })).toContain('no samples of this process in the history');
  });

  it('says all a short-lived culprit of one sample has to show: start, parent, exit, peaks and its spikes', () => {
    const points = [{ time: at(3, 12, 5), cpu: 95, rss: 5 * GiB, exited: true }];
    const culprit = { pid: 4242, name: 'alloc', cmd: 'alloc --size 5G', user: 'alice', startTime: 1, rise: 5 * GiB, share: 0.92 };
    const spike: Spike = { id: 'memory@1', metric: 'memory', start: at(3, 12, 5), end: at(3, 12, 5), peak: 7 * GiB, peakAt: at(3, 12, 5), min: 2 * GiB, avg: 7 * GiB, baseline: 2 * GiB, severity: 'critical', culprits: [culprit] };
    expect(inspectorSummary(proc, { points, facts: { startTime: at(3, 12, 4), ppid: 77, parent: 'bash' }, spikes: [spike] })).toEqual([
      'alloc[4242]  user alice  parent bash[77]',
      'command: alloc --size 5G',
      'started 03:12:04 · seen 03:12:05–03:12:05 (1 sample) · exited by 03:12:05',
      'peak CPU 95.0% at 03:12:05   peak RSS 5.0G at 03:12:05',
      'spikes: 03:12:05 MEM 92%',
    ]);
  });

  it('downsamples by maximum so a one-sample peak survives', () => {
    const points = Array.from({ length: 1000 }, (_, i) => ({ time: i, cpu: i === 537 ? 99 : 1, rss: i === 901 ? 7 : 1, exited: false }));
    const d = downsampleMax(points, 50);
    expect(d).toHaveLength(50);
    expect(Math.max(...d.map((p) => p.cpu))).toBe(99);
    expect(Math.max(...d.map((p) => p.rss))).toBe(7);
    expect(downsampleMax(points.slice(0, 3), 50)).toHaveLength(3);
  });
});

describe('helpers', () => {
  it('scrolls a list as little as needed to keep the selection visible', () => {
    expect(scrollOffset(0, 3, 5, 20)).toBe(0);
    expect(scrollOffset(0, 7, 5, 20)).toBe(3);
    expect(scrollOffset(10, 4, 5, 20)).toBe(4);
    expect(scrollOffset(18, 19, 5, 20)).toBe(15);
    expect(scrollOffset(7, 2, 5, 4)).toBe(0);
  });

  it('takes the view along with a selection that leaves it by as far as it moved: a page step keeps its row', () => {
    // PgDn from the top row of a 5-line view: the view pages too, the selection stays on top.
    expect(scrollOffset(0, 5, 5, 20, 0)).toBe(5);
    // PgDn from the middle row, and back up with PgUp.
    expect(scrollOffset(0, 7, 5, 20, 2)).toBe(5);
    expect(scrollOffset(5, 2, 5, 20, 7)).toBe(0);
    // An arrow past the bottom edge: one line.
    expect(scrollOffset(0, 5, 5, 20, 4)).toBe(1);
    // Near the end the list's end stops it; End from the top shows the last page.
    expect(scrollOffset(12, 18, 5, 20, 13)).toBe(15);
    expect(scrollOffset(0, 19, 5, 20, 0)).toBe(15);
    // A selection that moved within the view moves nothing.
    expect(scrollOffset(5, 8, 5, 20, 5)).toBe(5);
  });

  it('cuts text with an ellipsis', () => {
    expect(fit('abcdef', 4)).toBe('abc…');
    expect(fit('abc', 4)).toBe('abc');
    expect(fit('abc', 0)).toBe('');
  });
});

describe('dates', () => {
  it('names the local calendar day, and tells whether two times share one', () => {
    expect(formatDay(on(19, 3, 12, 5))).toBe('2026-11-19');
    expect(formatDay(new Date(2027, 0, 2, 0, 0, 0).getTime())).toBe('2027-01-02');
    expect(sameLocalDay(on(19, 0, 0, 0), on(19, 23, 59, 59))).toBe(true);
    expect(sameLocalDay(on(19, 23, 59, 59), on(20, 0, 0, 0))).toBe(false);
  });

  it('gives the cursor time its date only when the span crosses a local midnight', () => {
    const t = on(19, 3, 12, 5);
    expect(cursorClock(t)).toBe('03:12:05');
    expect(cursorClock(t, { first: on(19, 0, 0, 0), last: on(19, 23, 0, 0) })).toBe('03:12:05');
    expect(cursorClock(t, { first: on(18, 23, 0, 0), last: on(19, 4, 0, 0) })).toBe('2026-11-19 03:12:05');
    expect(cursorClock(t, { first: on(18, 23, 0, 0), last: on(19, 4, 0, 0) }, true)).toBe('11-19 03:12:05');
  });

  it('takes a timeline span from its first and last samples', () => {
    const h = new SampleHistory(10);
    expect(timelineSpan(h)).toBeUndefined();
    h.push(makeSample({ time: on(18, 23, 0, 0) }));
    h.push(makeSample({ time: on(19, 1, 0, 0) }));
    expect(timelineSpan(h)).toEqual({ first: on(18, 23, 0, 0), last: on(19, 1, 0, 0) });
  });
});
