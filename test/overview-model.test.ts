import { describe, expect, it } from 'vitest';
import { detectSpikes } from '../src/analysis/spike-detector.js';
import type { Sample } from '../src/core/sample.js';
import { SampleHistory } from '../src/core/sample-history.js';
import { formatClock } from '../src/core/units.js';
import {
  hostBox,
  hostCounts,
  overviewKey,
  overviewStatusLine,
  percentSparkline,
  recentSamples,
  type HostView,
} from '../src/ui/overview-model.js';
import { makeSample } from './helpers/make-sample.js';
import { CPU_SPIKE_AT, SPIKE_AT, T0, scenario } from './fixtures/ui/scenario.js';

const samples = scenario();
const spikes = detectSpikes(samples);

function live(over: Partial<HostView> = {}): HostView {
  return { label: 'db1:7654', state: 'live', lastError: undefined, recent: samples, spikes, ...over };
}

describe('hostBox', () => {
  it('a host whose agent has alerts firing: how many and the first rule, in the warning colour, right under the link', () => {
    const firing = [
      { rule: 'process(apache2) absent', since: T0, value: '0 processes matching apache2' },
      { rule: 'disk_free(/) < 1GiB', since: T0, value: '/ free 812M (0.8%)' },
    ];
    const box = hostBox(live({ firing }), 78, 6);
    expect(box.lines[1]).toBe('2 alerts firing: process(apache2) absent');
    expect(box.tones[1]).toBe('warning');
    // The figures stay; the older spike gives way.
    expect(box.lines[2]).toMatch(/^CPU /);
    expect(box.lines[4]).toMatch(/^last spike /);
    expect(hostBox(live({ firing: firing.slice(1) }), 30, 6).lines[1]).toBe('1 alert firing: disk_free(/) …');
    expect(hostBox(live({ firing: [] }), 78, 6).lines.join('\n')).not.toContain('firing');
  });

  it('a live host: link, CPU and memory figures with sparklines, the last spike with its culprit first', () => {
    const box = hostBox(live(), 78, 6);
    expect(box.title).toBe('db1:7654 · testhost');
    // Two spikes in the scenario: five lines, the sixth left empty.
    expect(box.lines).toHaveLength(5);
    const [link, cpu, mem, last, earlier] = box.lines;
    expect(link).toMatch(/^live · up \S+ · 2 CPUs · every 1\.0s$/);
    // The newest sample: 30 + 99 % 7 = 31 % busy, 2.0G of 8.0G used.
    expect(cpu).toMatch(/^CPU\s+31\.0% [▁▂▃▄▅▆▇█]+$/);
    expect(mem).toMatch(/^MEM\s+2\.0G\/8\.0G [▁▂▃▄▅▆▇█]+$/);
    expect(cpu?.indexOf('%') ?? 0).toBe((mem?.indexOf('G/8.0G') ?? 0) + 5);
    expect(last).toMatch(new RegExp(`^last spike ${formatClock(T0 + CPU_SPIKE_AT * 1000)} CPU 97% \\S+\\s+burn\\[5151\\] \\d+%`));
    expect(earlier).toMatch(new RegExp(`^\\s+${formatClock(T0 + SPIKE_AT * 1000)} MEM 7\\.1G \\S+\\s+alloc\\[4242\\] \\d+%`));
    expect(box.tones[0]).toBeNull();
    for (const line of box.lines) expect(line.length).toBeLessThanOrEqual(78);
  });

  it('fills the sparklines to the box width, newest on the right', () => {
    const box = hostBox(live(), 40, 4);
    const cpu = box.lines[1] ?? '';
    expect(cpu).toHaveLength(40);
    // The CPU spike is 14 samples before the end: a full bar there, lower bars at the end.
    expect(cpu.at(-15)).toBe('█');
    expect(cpu.at(-1)).not.toBe('█');
  });

  it('keeps the culprit in a narrow box: the spike line goes without its "last spike" mark', () => {
    const box = hostBox(live(), 40, 6);
    expect(box.lines[3]).toMatch(/^\d\d:\d\d:\d\d CPU 97% \S+\s+burn\[5151\] \d+%$/);
  });

  it('drops the oldest spikes before the figures when the box is short', () => {
    const box = hostBox(live(), 78, 3);
    expect(box.lines).toHaveLength(3);
    expect(box.lines[1]).toMatch(/^CPU/);
    expect(box.lines[2]).toMatch(/^MEM/);
  });

  it('an unreachable host: the state and its one-line reason, wrapped over the spare lines, marked critical', () => {
    const reason = 'cannot reach 10.0.0.9:7654: connection refused (is tmon agent running there?)';
    const box = hostBox({ label: '10.0.0.9:7654', state: 'unreachable', lastError: reason, recent: [], spikes: [] }, 40, 5);
    expect(box.title).toBe('10.0.0.9:7654');
    expect(box.lines.join(' ')).toBe(`unreachable: ${reason}`);
    expect(box.lines.length).toBeGreaterThan(1);
    expect(box.tones.every((t) => t === 'critical')).toBe(true);
  });

  it('auth failed and version mismatch read as such; reconnecting keeps the last figures and is a warning', () => {
    const auth = hostBox({ label: 'b:1', state: 'auth-failed', lastError: 'authentication failed for b:1 (check --token)', recent: [], spikes: [] }, 78, 5);
    expect(auth.lines[0]).toBe('auth failed: authentication failed for b:1 (check --token)');
    const version = hostBox({ label: 'c:1', state: 'version-mismatch', lastError: 'c:1 runs tmon 9.0.0 speaking protocol 9', recent: [], spikes: [] }, 78, 5);
    expect(version.lines[0]).toMatch(/^version mismatch: c:1 runs tmon 9\.0\.0/);
    const again = hostBox(live({ state: 'reconnecting', lastError: 'lost connection to db1:7654: the agent stopped' }), 78, 6);
    expect(again.lines[0]).toBe('reconnecting: lost connection to db1:7654: the agent stopped');
    expect(again.tones[0]).toBe('warning');
    expect(again.lines[1]).toMatch(/^CPU\s+31\.0%/);
  });

  it('connecting, and live before the first sample, say so', () => {
    const connecting = hostBox({ label: 'a:1', state: 'connecting', lastError: undefined, recent: [], spikes: [] }, 50, 4);
    expect(connecting.lines).toEqual(['connecting…', 'waiting for the first sample…']);
    const quiet = hostBox(live({ recent: samples.slice(0, 10), spikes: [] }), 50, 4);
    expect(quiet.lines[3]).toBe('no spikes so far');
  });

  it('titles a host by its label alone when the label already names it', () => {
    expect(hostBox(live({ label: 'testhost:7654' }), 60, 4).title).toBe('testhost:7654');
  });
});

describe('percentSparkline', () => {
  it('draws on a fixed 0–100 scale, so an idle host shows low bars', () => {
    expect(percentSparkline([0, 50, 100], 3)).toBe('▁▅█');
    expect(percentSparkline([3, 3, 3], 3)).toBe('▁▁▁');
    expect(percentSparkline([1, 2, 3, 4], 2)).toHaveLength(2);
    expect(percentSparkline([1, 2], 0)).toBe('');
  });
});

describe('recentSamples', () => {
  it('takes the newest n samples, oldest first', () => {
    const tl = new SampleHistory(10);
    for (let i = 0; i < 8; i++) tl.push(makeSample({ time: i }));
    expect(recentSamples(tl, 3).map((s: Sample) => s.time)).toEqual([5, 6, 7]);
    expect(recentSamples(tl, 20)).toHaveLength(8);
  });
});



describe('status line', () => {
  it('counts the hosts by state and shows the key hints when they fit', () => {
    expect(hostCounts(['live', 'unreachable', 'auth-failed'])).toBe('3 hosts: 1 live, 1 auth failed, 1 unreachable');
    const line = overviewStatusLine({ states: ['live', 'live'], page: 0, pages: 1 }, 100);
    expect(line).toHaveLength(100);
    expect(line).toMatch(/^tmon overview │ 2 hosts: 2 live\s+←↑↓→ Tab select {2}Enter open host {2}q quit$/);
    // At 80 columns the hints stay, the title goes.
    expect(overviewStatusLine({ states: ['live', 'unreachable', 'auth-failed'], page: 0, pages: 1 }, 80)).toMatch(/^3 hosts: .*unreachable\s+←→ select {2}Enter open {2}q quit$/);
    expect(overviewStatusLine({ states: ['live'], page: 1, pages: 3 }, 80)).toMatch(/page 2\/3/);
    expect(overviewStatusLine({ states: ['live', 'closed'], page: 0, pages: 1 }, 20)).toHaveLength(20);
  });
});

describe('overviewKey', () => {
  const grid = { columns: 3, perPage: 6 };
  it('moves within the grid and between pages, clamped to the hosts there are', () => {
    expect(overviewKey('right', 0, 8, grid)).toEqual({ type: 'select', index: 1 });
    expect(overviewKey('left', 0, 8, grid)).toEqual({ type: 'select', index: 0 });
    expect(overviewKey('down', 1, 8, grid)).toEqual({ type: 'select', index: 4 });
    expect(overviewKey('up', 4, 8, grid)).toEqual({ type: 'select', index: 1 });
    expect(overviewKey('up', 1, 8, grid)).toBeNull();
    // From the row above a short last row, down lands on its last box.
    expect(overviewKey('down', 5, 8, grid)).toEqual({ type: 'select', index: 7 });
    expect(overviewKey('down', 7, 8, grid)).toBeNull();
    expect(overviewKey('tab', 7, 8, grid)).toEqual({ type: 'select', index: 0 });
    expect(overviewKey('S-tab', 0, 8, grid)).toEqual({ type: 'select', index: 7 });
    expect(overviewKey('pagedown', 1, 8, grid)).toEqual({ type: 'select', index: 7 });
    expect(overviewKey('pageup', 7, 8, grid)).toEqual({ type: 'select', index: 1 });
    expect(overviewKey('end', 0, 8, grid)).toEqual({ type: 'select', index: 7 });
    expect(overviewKey('home', 5, 8, grid)).toEqual({ type: 'select', index: 0 });
  });

  it('Enter opens, q and Ctrl-C quit, Esc and other keys do nothing', () => {
    expect(overviewKey('enter', 2, 8, grid)).toEqual({ type: 'open' });
    expect(overviewKey('enter', 0, 0, grid)).toBeNull();
    expect(overviewKey('q', 2, 8, grid)).toEqual({ type: 'quit' });
    expect(overviewKey('C-c', 2, 8, grid)).toEqual({ type: 'quit' });
    expect(overviewKey('escape', 2, 8, grid)).toBeNull();
    expect(overviewKey('x', 2, 8, grid)).toBeNull();
  });
});
