import blessed from 'blessed';
import { afterEach, describe, expect, it } from 'vitest';
import { detectSpikes } from '../src/analysis/spike-detector.js';
import type { Sample } from '../src/core/sample.js';
import type { Timeline } from '../src/core/timeline.js';
import { SampleHistory } from '../src/core/sample-history.js';
import { formatClock } from '../src/core/units.js';
import { replayView, type ReplayViewOptions } from '../src/session/session-view.js';
import type { Dashboard } from '../src/ui/dashboard.js';
import { definePanel } from '../src/ui/panels/panel.js';
import { chosenTheme } from '../src/ui/theme.js';
import { PANELS } from '../src/ui/panels/registry.js';
import { ListPanel } from '../src/ui/widgets/list-panel.js';
import { HeadlessTerminal, KEY, hasColorSgr } from './helpers/headless-terminal.js';
import { HeadlessDashboard, type HeadlessOptions } from './helpers/headless-dashboard.js';
import { cpuShare, makeProcess } from './helpers/make-sample.js';
import { ScriptedSource } from './helpers/scripted-source.js';
import { CPU_SPIKE_AT, SPIKE_AT, T0, scenario } from './fixtures/ui/scenario.js';
import { STORED_CULPRITS, storedSamples, storedSpikeTime } from './fixtures/transport/stored-history.js';

/**
 * The real dashboard on a real blessed screen, its bytes parsed by a terminal
 * emulator; assertions are on the text a person would see.
 */
const ui = new HeadlessDashboard();
/** The scripted source of a live test, which it feeds further samples. */
let source: ScriptedSource | undefined;

afterEach(async () => {
  await ui.close();
  source = undefined;
});

/** The dashboard's options, with a live source (through a started live hub) or a replay in place of the view. */
type OpenOptions = HeadlessOptions & { replay?: ReplayViewOptions };

function open(cols: number, rows: number, opts: OpenOptions = {}): HeadlessTerminal {
  const { replay, ...rest } = opts;
  return ui.open(cols, rows, replay && !rest.view ? { ...rest, view: replayView(replay) } : rest);
}

/** Live, fed the whole scenario (100 samples: 03:11:00 … 03:12:39). */
async function openLive(cols: number, rows: number, opts: OpenOptions = {}): Promise<HeadlessTerminal> {
  source = new ScriptedSource(scenario());
  const t = open(cols, rows, { source, ...opts });
  await t.waitFor((s) => s.includes('03:12:39') || /burn\[5151\]/.test(s));
  await t.waitFor((s) => /burn\[5151\]/.test(s) && /alloc\[4242\]/.test(s));
  return t;
}

function openReplay(cols: number, rows: number): { t: HeadlessTerminal; samples: Sample[]; spikes: ReturnType<typeof detectSpikes> } {
  const samples = scenario();
  const timeline = new SampleHistory(1000);
  for (const s of samples) timeline.push(s);
  const spikes = detectSpikes(samples);
  return { t: open(cols, rows, { replay: { timeline, spikes } }), samples, spikes };
}

/** Row index (on screen) of the first line matching `re`; -1 when absent. */
function rowOf(screen: string, re: RegExp): number {
  return screen.split('\n').findIndex((l) => re.test(l));
}

const clock = (i: number): string => formatClock(T0 + i * 1000);

describe('dashboard, live', () => {
  it.each([
    [80, 24],
    [120, 40],
    [200, 50],
    [250, 70],
  ])('at %ix%i shows every panel, the table and the spike culprits', async (cols, rows) => {
    const t = await openLive(cols, rows);
    const s = await t.text();
    expect(s).toMatch(/CPU \d/);
    expect(s).toMatch(/Mem(ory)? [\d.]+G\/8\.0G/);
    expect(s).toMatch(/Load/);
    expect(s).toMatch(/Processes by CPU/);
    expect(s).toMatch(/PID USER\s+CPU%/);
    expect(s).toMatch(/Spikes \(2\)/);
    // The spike log line: time, metric, peak, duration, culprit with its share.
    expect(s).toMatch(new RegExp(`${clock(SPIKE_AT)} MEM 7\\.1G \\S+\\s+alloc\\[4242\\] \\d+%`));
    expect(s).toMatch(new RegExp(`${clock(CPU_SPIKE_AT)} CPU 97% \\S+\\s+burn\\[5151\\] \\d+%`));
    // Newest first.
    expect(rowOf(s, /burn\[5151\]/)).toBeLessThan(rowOf(s, /alloc\[4242\]/));
    expect(s).toMatch(/testhost │ up \S+ │ LIVE │ every 1\.0s/);
    expect(s).toMatch(/\? help/);
    if (cols >= 200) {
      expect(s).toMatch(/Users/);
      expect(s).toMatch(/Process starts and exits/);
      expect(s).toMatch(/- burn\[5151\] bob/);
    }
  });

  it.each([
    [80, 24],
    [120, 40],
    [250, 70],
  ])('at %ix%i draws CPU flat at 100 as a line along the top of the plot', async (cols, rows) => {
    const full = scenario(40).map((s) => ({ ...s, cpu: { ...s.cpu, total: { ...s.cpu.total, busy: 100 }, busyMin: 100, busyMax: 100 } }));
    source = new ScriptedSource(full);
    const t = open(cols, rows, { source });
    const fed = source;
    await t.waitFor((x) => /CPU 100/.test(x) && fed.delivered === full.length);
    // The frame after the last sample.
    await new Promise((r) => setTimeout(r, 300));
    const s = await t.text();
    const lines = s.split('\n');
    // The row under the CPU panel's top border is the plot's 100 % row: 40 samples, two to a cell (⠉), up to the right edge.
    const title = rowOf(s, /CPU 100/);
    const plotRow = (lines[title + 1] ?? '').split('│')[1] ?? '';
    expect(plotRow).toMatch(/^100 +⠉{20}$/);
  });

  it.each([
    [80, 24],
    [120, 40],
    [250, 70],
  ])('at %ix%i draws every core flat at 100 as a line along the top of the per-core plot, the legend beside it', async (cols, rows) => {
    const full = scenario(40).map((s) => ({ ...s, cpu: { total: cpuShare(100), cores: [cpuShare(100), cpuShare(100)], busyMin: 100, busyMax: 100 } }));
    source = new ScriptedSource(full);
    const t = open(cols, rows, { source });
    const fed = source;
    await t.waitFor((x) => /CPU 100/.test(x) && fed.delivered === full.length);
    await t.keys('1');
    const s = await t.waitFor((x) => /2 cores 100% pk 100%|CPU per core \(2\) total 100%/.test(x));
    const lines = s.split('\n');
    const title = rowOf(s, /2 cores 100%|CPU per core \(2\)/);
    const inside = (r: number): string => (lines[title + r] ?? '').split('│')[1] ?? '';
    // Both cores at 100 %: 40 samples, two to a cell, up to the plot's right edge.
    if (cols < 100) {
      // At 80x24 the panel is too narrow for a legend beside the plot (it would squeeze the plot under 16 columns): none.
      expect(inside(1)).toMatch(/^100 +⠉{20}$/);
      expect(s).not.toMatch(/■ cpu0/);
    } else {
      // The legend starts in the column after the plot's last one: beside the line, not over it.
      expect(inside(1)).toMatch(/^100 +⠉{20} ■ cpu0 +$/);
      expect(inside(2)).toMatch(/^ +■ cpu1 +$/);
      expect(inside(2).indexOf('■')).toBe(inside(1).indexOf('■'));
    }
  });

  it('a replay with a 30 s hole draws the hole as empty plot, not the samples joined', async () => {
    const flat = (s: Sample): Sample => ({ ...s, cpu: { ...s.cpu, total: { ...s.cpu.total, busy: 100 }, busyMin: 100, busyMax: 100 } });
    // 20 samples at 1 s, nothing for 30 s, 20 more.
    const samples = scenario(40).map((s, i) => flat({ ...s, time: s.time + (i >= 20 ? 30_000 : 0) }));
    const timeline = new SampleHistory(100);
    for (const s of samples) timeline.push(s);
    const t = open(120, 40, { replay: { timeline, spikes: [] } });
    const s = await t.waitFor((x) => /REPLAY/.test(x) && /CPU 100/.test(x));
    const lines = s.split('\n');
    const plotRow = (lines[rowOf(s, /CPU 100/) + 1] ?? '').split('│')[1] ?? '';
    // Two samples to a cell: 10 cells of line, 15 empty for the 30 s, 10 more of line.
    expect(plotRow).toMatch(/⠉{10} {15}⠉{10}/);
  });

  it('the selected spike opens up under its line with every culprit, where the line names only three', async () => {
    const samples = scenario(40);
    const timeline = new SampleHistory(100);
    for (const s of samples) timeline.push(s);
    const names = ['make', 'cc1plus', 'ld', 'as', 'sh'];
    const at = samples[20]?.time ?? T0;
    const culprits = names.map((name, i) => ({ pid: 700 + i, name, cmd: name, user: 'alice', startTime: 0, rise: 10, share: (5 - i) / 15 }));
    const spike = { id: `cpu@${at}`, metric: 'cpu' as const, start: at, end: at + 2000, peak: 97, peakAt: at, min: 90, avg: 95, baseline: 10, severity: 'critical' as const, culprits };
    const t = open(120, 40, { replay: { timeline, spikes: [spike] } });
    expect(await t.waitFor((x) => /make\[700\]/.test(x))).not.toMatch(/as\[703\]/);
    await t.keys(KEY.tab);
    const s = await t.waitFor((x) => /as\[703\]/.test(x));
    expect(s).toMatch(/sh\[704\] 7%/);
    // Leaving the log closes it again.
    await t.keys(KEY.tab);
    await t.waitFor((x) => !/as\[703\]/.test(x));
  });

  it('the inspector of a culprit seen in one sample says what was seen instead of drawing empty charts', async () => {
    const samples = scenario(40);
    const at = samples[20]?.time ?? T0;
    const blip = { ...makeProcess({ pid: 999, ppid: 812, name: 'blip', user: 'alice', cpu: 180, rss: 3 * 1024 ** 3 }), cmd: 'blip --burst', exited: true };
    const withBlip = samples.map((s, i) => (i === 20 ? { ...s, processes: [...s.processes, blip] } : s));
    const timeline = new SampleHistory(100);
    for (const s of withBlip) timeline.push(s);
    const culprit = { pid: 999, name: 'blip', cmd: 'blip --burst', user: 'alice', startTime: blip.startTime, rise: 180, share: 0.9 };
    const spike = { id: `cpu@${at}`, metric: 'cpu' as const, start: at, end: at, peak: 97, peakAt: at, min: 97, avg: 97, baseline: 10, severity: 'critical' as const, culprits: [culprit] };
    const t = open(120, 40, { replay: { timeline, spikes: [spike] } });
    await t.waitFor((x) => /blip\[999\]/.test(x));
    await t.keys(KEY.tab, KEY.enter);
    await t.waitFor((x) => x.includes(`REPLAY ${formatClock(at)}`));
    await t.keys(KEY.enter);
    const s = await t.waitFor((x) => /Process blip\[999\]/.test(x));
    expect(s).toMatch(/blip\[999\]\s+user alice\s+parent postgres\[812\]/);
    expect(s).toMatch(new RegExp(`seen ${formatClock(at)}–${formatClock(at)} \\(1 sample\\) · exited by ${formatClock(at)}`));
    expect(s).toMatch(/peak CPU 180% at .*peak RSS 3\.0G/);
    expect(s).toMatch(new RegExp(`spikes: ${formatClock(at)} CPU 90%`));
    expect(s).toMatch(/too brief to chart \(1 sample\)/);
  });

  it('sorts the table by memory with m and by CPU with c', async () => {
    const t = await openLive(80, 24);
    const postgres = /^│\s+812 postgres/;
    const java = /^│\s+900 alice/;
    let s = await t.text();
    expect(rowOf(s, postgres)).toBeLessThan(rowOf(s, java));
    await t.keys('m');
    s = await t.waitFor((x) => /Processes by memory/.test(x));
    expect(rowOf(s, java)).toBeGreaterThan(0);
    expect(rowOf(s, java)).toBeLessThan(rowOf(s, postgres));
    await t.keys('c');
    s = await t.waitFor((x) => /Processes by CPU/.test(x));
    expect(rowOf(s, postgres)).toBeLessThan(rowOf(s, java));
  });

  it('pauses the view with space while sampling goes on, steps with ← →, resumes with space', async () => {
    const t = await openLive(80, 24);
    await t.keys(KEY.space);
    await t.waitFor((s) => s.includes(`PAUSED ${clock(99)}`));
    // A new sample arrives while paused: the view stays where it was …
    source?.push(scenario(101)[100] as Sample);
    await waitUntil(() => source?.delivered === 101);
    await t.keys(KEY.left);
    await t.waitFor((s) => s.includes(`PAUSED ${clock(98)}`));
    // … and the history kept filling: stepping forward reaches the new sample.
    await t.keys(KEY.right, KEY.right);
    await t.waitFor((s) => s.includes(`PAUSED ${clock(100)}`));
    await t.keys(KEY.space);
    await t.waitFor((s) => /│ LIVE │/.test(s));
  });

  it('Enter on a spike in the log jumps to it; the table then shows that moment', async () => {
    const t = await openLive(80, 24);
    await t.keys(KEY.tab, KEY.down, KEY.enter);
    const s = await t.waitFor((x) => x.includes(`PAUSED ${clock(SPIKE_AT)}`));
    expect(s).toMatch(/^│\s+4242 alice\s+95\.0/m);
    // Enter again: the spike's top culprit in the inspector.
    await t.keys(KEY.enter);
    await t.waitFor((x) => /Process alloc\[4242\]/.test(x));
    await t.keys(KEY.escape);
    await t.waitFor((x) => !/Process alloc\[4242\]/.test(x));
    await t.keys('n');
    await t.waitFor((x) => x.includes(`PAUSED ${clock(CPU_SPIKE_AT)}`));
  });

  it('shows the help overlay on ? and closes it with Esc', async () => {
    const t = await openLive(80, 24);
    await t.keys('?');
    let s = await t.waitFor((x) => /Help/.test(x));
    expect(s).toMatch(/go to a time/);
    // Wrapped, not cut: the rest of a long entry on the line under it.
    expect(s).toMatch(/pause the view \(sampling goes on\) \/ back to live; in\s+│+\n│+\s+replay: play \/ stop/);
    expect(s.split('\n').filter((l) => l.startsWith('││') && l.includes('…'))).toEqual([]);
    await t.keys(KEY.end);
    s = await t.waitFor((x) => /sort processes by CPU/.test(x));
    await t.keys(KEY.escape);
    s = await t.waitFor((x) => !/Help/.test(x));
    expect(s).toMatch(/Processes by CPU/);
  });

  it('keeps an open inspector up to date as live samples arrive', async () => {
    const samples = scenario();
    source = new ScriptedSource(samples.slice(0, 90));
    const t = open(200, 50, { source });
    await t.waitFor((x) => /burn\[5151\]/.test(x));
    // The table is sorted by CPU: postgres (40 %) is the top row; Enter inspects it.
    await t.keys(KEY.enter);
    await t.waitFor((x) => /Process postgres\[812\]/.test(x) && x.includes(`${clock(0)}–${clock(89)} (90 samples)`));
    for (const s of samples.slice(90, 95)) source.push(s);
    const later = await t.waitFor((x) => x.includes(`${clock(0)}–${clock(94)} (95 samples)`));
    expect(later).toMatch(/Process postgres\[812\]/);
  });

  it('inspects a culprit from the spike log: its CPU and RSS over the session', async () => {
    const t = await openLive(200, 50);
    await t.keys(KEY.tab, KEY.down, 'i');
    const s = await t.waitFor((x) => /Process alloc\[4242\]/.test(x));
    expect(s).toContain(`seen ${clock(SPIKE_AT - 1)}–${clock(SPIKE_AT + 2)} (4 samples)`);
    expect(s).toContain(`peak RSS 5.0G at ${clock(SPIKE_AT)}`);
    expect(s).toContain('peak CPU 95.0%');
    expect(s).toMatch(/command: alloc --size 5G/);
    await t.keys(KEY.escape);
    await t.waitFor((x) => !/Process alloc\[4242\]/.test(x));
  });

  it('toggles per-core CPU with 1 and the users panel with u', async () => {
    const t = await openLive(80, 24);
    expect(await t.text()).not.toMatch(/Users/);
    await t.keys('1', 'u');
    const s = await t.waitFor((x) => /2 cores \d+\.\d% pk/.test(x) && /Users/.test(x));
    expect(s).toMatch(/postgres\s+40\.0\s+900M/);
  });

  it('shows disk space per mount and I/O per disk from 160x40, d toggles it at any size', async () => {
    const wide = await openLive(250, 70);
    const s = await wide.text();
    expect(s).toMatch(/Disks/);
    expect(s).toMatch(/\/\s+40\.0G\/100G\s+40% █+░+/);
    expect(s).toMatch(/vda\s+read\s+0B\/s\s+write\s+4\.0K\/s/);
    // The load averages and pressure under the sparklines.
    expect(s).toMatch(/5\/15m \d+\.\d\d \d+\.\d\d\s+psi cpu 0\.0 mem 0\.0 io 0\.0/);
    await wide.keys('d');
    await wide.waitFor((x) => !/Disks/.test(x));
  });

  it('colours a mount from 90 % full in the warning colour and from 97 % in red, one under 90 % not at all', async () => {
    const GiB = 1024 ** 3;
    const mounts = [
      { mount: '/half', device: 'sda1', fsType: 'ext4', sizeBytes: 100 * GiB, usedBytes: 50 * GiB },
      { mount: '/nearly', device: 'sdb1', fsType: 'ext4', sizeBytes: 100 * GiB, usedBytes: 95 * GiB },
      { mount: '/full', device: 'sdc1', fsType: 'ext4', sizeBytes: 100 * GiB, usedBytes: 98 * GiB },
    ];
    await ui.live(250, 70, scenario(5).map((x) => ({ ...x, filesystems: mounts })));
    const t = ui.term as HeadlessTerminal;
    const s = await t.waitFor((x) => /\/full .*98%/.test(x) && /\/half .*50%/.test(x));
    /** The foreground of the first character of the mount's line in the disk panel: a palette index, or 'default'. */
    const fg = (mount: string): number | 'default' => {
      const y = rowOf(s, new RegExp(`│${mount} +\\S+ +\\d+% `));
      const line = t.term.buffer.active.getLine(t.term.buffer.active.viewportY + y);
      const cell = line?.getCell((s.split('\n')[y] ?? '').indexOf(`│${mount}`) + 1);
      expect(cell?.getChars(), mount).toBe('/');
      return cell?.isFgDefault() ? 'default' : (cell?.getFgColor() ?? -1);
    };
    const { convert } = blessed.colors as unknown as { convert: (c: string) => number };
    const { warning, critical } = chosenTheme(undefined, true).tones;
    expect(fg('/half')).toBe('default');
    expect(fg('/nearly')).toBe(convert(warning ?? ''));
    expect(fg('/full')).toBe(convert(critical ?? ''));
    expect(convert(critical ?? '')).toBe(1);
    expect(new Set([fg('/half'), fg('/nearly'), fg('/full')]).size).toBe(3);
  });

  it('d shows the disk panel at 80x24', async () => {
    const t = await openLive(80, 24);
    expect(await t.text()).not.toMatch(/Disks/);
    await t.keys('d');
    await t.waitFor((x) => /Disks/.test(x) && /40\.0G\/100G/.test(x));
  });

  it('reflows when the terminal is resized', async () => {
    const t = await openLive(80, 24);
    expect(await t.text()).not.toMatch(/Process starts and exits/);
    t.resize(200, 50);
    await t.waitFor((s) => /Process starts and exits/.test(s) && /Users/.test(s));
    t.resize(80, 24);
    const s = await t.waitFor((x) => !/Process starts and exits/.test(x));
    expect(s).toMatch(/Processes by CPU/);
    expect(s).toMatch(/alloc\[4242\]/);
  });

  it('scrolls the table with the mouse wheel (Enter then inspects the row it landed on)', async () => {
    const t = await openLive(80, 24);
    const s = await t.text();
    const firstRow = rowOf(s, /^│\s+812 postgres/);
    // SGR mouse report: wheel down (65) over the table, 1-based column;row.
    await t.keys(`\x1b[<65;20;${firstRow + 1}M`);
    await t.keys(KEY.enter);
    await t.waitFor((x) => /Process node\[77\]/.test(x));
  });

  it('keeps going when one panel fails: the error shows in that panel only', async () => {
    const good = scenario(10);
    source = new ScriptedSource(good);
    const t = open(80, 24, { source });
    await t.waitFor((s) => s.includes('postgres'));
    const last = good[9] as Sample;
    // A malformed sample (say, from a buggy agent): a process without a CPU figure.
    const broken = { ...last, time: last.time + 1000, processes: [{ ...last.processes[0], cpu: undefined }] } as unknown as Sample;
    source.push(broken);
    await t.waitFor((s) => /panel Processes failed: /.test(s));
    source.push({ ...last, time: last.time + 2000, cpu: { ...last.cpu, total: { ...last.cpu.total, busy: 55 }, busyMax: 55 } });
    const s = await t.waitFor((x) => /CPU 55\.0%/.test(x));
    expect(s).not.toMatch(/failed/);
    expect(s).toMatch(/postgres/);
  });

  it('skips a sample it cannot take and goes on with the next', async () => {
    const good = scenario(10);
    source = new ScriptedSource(good);
    const t = open(80, 24, { source });
    await t.waitFor((s) => s.includes('postgres'));
    const last = good[9] as Sample;
    source.push({ ...last, time: last.time + 1000, processes: null } as unknown as Sample);
    await t.waitFor((s) => /bad sample skipped/.test(s));
    source.push({ ...last, time: last.time + 2000, cpu: { ...last.cpu, total: { ...last.cpu.total, busy: 66 }, busyMax: 66 } });
    const s = await t.waitFor((x) => /CPU 66\.0%/.test(x));
    expect(s).toMatch(/postgres/);
  });
});

describe('dashboard, each key on screen', () => {
  /** The table's header line and its first row, inside the frame. */
  const header = (x: string): string => x.split('\n').find((l) => /│\s+PID\S? +USER/.test(l)) ?? '';
  const firstRow = (x: string): string => {
    const lines = x.split('\n');
    return lines[lines.findIndex((l) => /│\s+PID\S? +USER/.test(l)) + 1] ?? '';
  };
  /** The header marks the sorted column where it shows; where it does not, no column carries the mark. */
  const marked = (x: string, column: string, arrow: string, shown: boolean): boolean =>
    shown ? header(x).includes(`${column}${arrow}`) : !/[▲▼]/.test(header(x));

  it.each([
    [80, 24],
    [120, 40],
    [250, 70],
  ])('at %ix%i z t T S L > F4 F6 F9 PgUp PgDn Shift-← Shift-→ each change what is shown', async (cols, rows) => {
    // The first minute of the scenario (before the memory spike, so the memory graph zooms), with 120
    // idle daemons more, so that PgDn has a page to go to at every size.
    const idle = Array.from({ length: 120 }, (_, i) => makeProcess({ pid: 2000 + i, name: `idle${String(i).padStart(3, '0')}`, user: 'daemon', rss: 1024 ** 2 }));
    const samples = scenario(60).map((x) => ({ ...x, processes: [...x.processes, ...idle], tasks: { ...x.tasks, total: x.processes.length + idle.length } }));
    const sent: number[] = [];
    await ui.live(cols, rows, samples, { signals: { send: (target) => (sent.push(target.pid), { kind: 'sent' }) } });
    const t = ui.term as HeadlessTerminal;
    let s = await t.waitFor((x) => x.includes(`LIVE`) && /Processes by CPU \(125\)/.test(x));
    const columns = header(s);
    const shows = (c: string): boolean => new RegExp(`\\b${c}\\b`).test(columns);
    expect(header(s)).toContain('CPU%▼');

    // z: the memory axis from zoomed on its peaks (the title says to where) to 0–100 % of the total, and back.
    expect(s).toMatch(/axis 0–4\.0G/);
    await t.keys('z');
    s = await t.waitFor((x) => !/axis 0–/.test(x));
    expect(s).toMatch(/Mem(ory)? 2\.0G\/8\.0G/);
    await t.keys('z');
    await t.waitFor((x) => /axis 0–4\.0G/.test(x));

    // t: the starts/exits panel, shown by default from 160x40, hidden below; t flips it either way.
    const events = /Process starts and exits/;
    const before = events.test(s);
    expect(before).toBe(cols >= 160);
    await t.keys('t');
    await t.waitFor((x) => events.test(x) !== before);
    await t.keys('t');
    s = await t.waitFor((x) => events.test(x) === before && /Processes by CPU/.test(x));

    // PgDn pages the table's selection (live: the focused panel) and the view with it, as htop does: after one,
    // none of the rows seen before is left, and the selection is on the top row. PgUp back.
    const top = firstRow(s);
    expect(top).toMatch(/812 postgres/);
    const pidsIn = (x: string): string[] => [...x.matchAll(/^│\s+(\d+) +[a-z]\S* +\d/gm)].map((m) => m[1] as string);
    const onFirstPage = new Set(pidsIn(s));
    await t.keys(KEY.pageDown);
    s = await t.waitFor((x) => firstRow(x) !== top);
    expect(pidsIn(s).filter((pid) => onFirstPage.has(pid))).toEqual([]);
    await t.keys(KEY.pageDown);
    s = await t.waitFor((x) => /idle\d{3}/.test(firstRow(x)));
    expect(s).not.toMatch(/812 postgres/);
    await t.keys(KEY.pageUp, KEY.pageUp);
    await t.waitFor((x) => firstRow(x) === top);

    // Sorting: the title names the order, the header's mark moves to that column where the width shows it.
    const sorts: [string, RegExp, string, string][] = [
      ['T', /Processes by start time/, 'START', '▼'],
      ['S', /Processes by state/, 'S', '▲'],
      ['L', /Processes by threads/, 'THR', '▼'],
      ['>', /Processes by start time/, 'START', '▼'],
      ['\x1b[17~', /Processes by name/, 'NAME', '▲'],
    ];
    for (const [key, title, column, arrow] of sorts) {
      await t.keys(key);
      s = await t.waitFor((x) => title.test(x));
      expect(marked(s, column, arrow, column === 'NAME' || shows(column)), `${JSON.stringify(key)}: ${header(s)}`).toBe(true);
      expect(header(s)).not.toContain('CPU%▼');
    }
    await t.keys('c');
    await t.waitFor((x) => /Processes by CPU/.test(x));

    // F4: the filter prompt, typing narrows the table; Esc clears it.
    await t.keys('\x1bOS');
    await t.type('postg');
    s = await t.waitFor((x) => /filter: postg/.test(x) && /1 of 125 match "postg"/.test(x));
    await t.keys(KEY.escape);
    await t.waitFor((x) => /Processes by CPU \(125\)/.test(x) && !/filter:/.test(x));

    // F9: the confirmation names the selected process; Esc cancels, nothing is sent.
    await t.keys('\x1b[20~');
    s = await t.waitFor((x) => /Send a signal/.test(x));
    expect(s).toMatch(/Enter sends SIGTERM to postgres\[812\]/);
    await t.keys(KEY.escape);
    await t.waitFor((x) => !/Send a signal/.test(x));
    expect(sent).toEqual([]);

    // Shift-← an hour back: paused at the first sample (a bigger step than ←'s one sample); Shift-→ to the last.
    await t.keys(KEY.shiftLeft);
    await t.waitFor((x) => x.includes(`PAUSED ${clock(0)}`));
    await t.keys(KEY.shiftRight);
    await t.waitFor((x) => x.includes(`PAUSED ${clock(59)}`));
  });
});

describe('dashboard, panels as plug-ins', () => {
  // A panel is its definition alone: layout, drawing, its key and its help line follow from it.
  const demo = definePanel({
    id: 'demo',
    title: 'Demo',
    hints: { region: 'side', weight: 1, minWidth: 20, minHeight: 4 },
    toggle: { key: 'x', help: 'show / hide the demo panel', shownFrom: { cols: 0, rows: 0 } },
    create: (screen, rect, color) => new ListPanel(screen, 'Demo', rect, color),
    draw(w, f) {
      w.update({ title: `Demo${f.cursorNote}`, lines: [`demo samples ${f.timeline.length}`], selected: null, focused: false });
    },
  });
  const broken = definePanel({
    id: 'broken',
    title: 'Broken',
    hints: { region: 'main', weight: 1, minWidth: 40, minHeight: 4 },
    create: (screen, rect, color) => new ListPanel(screen, 'Broken', rect, color),
    draw() {
      throw new Error('no data here');
    },
  });

  it.each([
    [80, 24],
    [120, 40],
    [250, 70],
  ])('at %ix%i lays out, draws, toggles and documents a panel given only its definition', async (cols, rows) => {
    const t = await openLive(cols, rows, { panels: [...PANELS, demo] });
    await t.waitFor((s) => /demo samples 100/.test(s) && /Processes by CPU/.test(s));
    await t.keys('x');
    await t.waitFor((s) => !/demo samples/.test(s));
    // At 80x24 the panel keys are below the screen: End scrolls the help to them.
    await t.keys('?');
    await t.waitFor((x) => /Help/.test(x));
    await t.keys(KEY.end);
    const s = await t.waitFor((x) => /Help/.test(x) && /x\s+show \/ hide the demo panel/.test(x));
    expect(s).toMatch(/\? {2}Esc\s+this help/);
  });

  it('shows a failing panel’s error in its own frame while the others draw', async () => {
    const t = await openLive(120, 40, { panels: [...PANELS, broken] });
    const s = await t.waitFor((x) => /panel Broken failed: no data here/.test(x));
    expect(s).toMatch(/Processes by CPU/);
    expect(s).toMatch(/burn\[5151\]/);
    expect(s).toMatch(/CPU \d/);
  });
});

describe('dashboard, replay cursor', () => {
  it('opens at the first spike; n/N move between spikes; the table shows that moment', async () => {
    const { t, spikes } = openReplay(80, 24);
    const [first, second] = [...spikes].sort((a, b) => a.start - b.start);
    let s = await t.waitFor((x) => x.includes(`REPLAY ${formatClock(first?.peakAt ?? 0)}`));
    expect(s).toMatch(/^│\s+4242 alice/m);
    await t.keys('n');
    s = await t.waitFor((x) => x.includes(`REPLAY ${formatClock(second?.peakAt ?? 0)}`));
    expect(s).toMatch(/^│\s+5151 bob\s+190\.0/m);
    await t.keys('N');
    await t.waitFor((x) => x.includes(`REPLAY ${formatClock(first?.peakAt ?? 0)}`));
  });

  it('goes to a typed time with g, and steps a minute with PgUp/PgDn', async () => {
    const { t } = openReplay(80, 24);
    await t.waitFor((x) => /REPLAY/.test(x));
    await t.keys('g');
    await t.waitFor((x) => /go to time:/.test(x));
    await t.type('03:11:30');
    await t.keys(KEY.enter);
    let s = await t.waitFor((x) => x.includes(`REPLAY ${clock(30)}`));
    expect(s).not.toMatch(/alloc\[4242\] alice/);
    await t.keys(KEY.pageDown);
    await t.waitFor((x) => x.includes(`REPLAY ${clock(90)}`));
    await t.keys('g');
    await t.type('-30s');
    await t.keys(KEY.enter);
    await t.waitFor((x) => x.includes(`REPLAY ${clock(69)}`));
    await t.keys('g');
    await t.type('yesterday');
    await t.keys(KEY.enter);
    s = await t.waitFor((x) => /cannot read "yesterday"/.test(x));
    expect(s).toContain(`REPLAY ${clock(69)}`);
  });

  it('inspects the process under the cursor from the table with Enter', async () => {
    const { t } = openReplay(200, 50);
    await t.waitFor((x) => x.includes(`REPLAY ${clock(SPIKE_AT)}`));
    await t.keys(KEY.enter);
    const s = await t.waitFor((x) => /Process alloc\[4242\]/.test(x));
    expect(s).toContain(`peak RSS 5.0G at ${clock(SPIKE_AT)}`);
  });

  it('plays with p and stops at the end', async () => {
    const { t } = openReplay(80, 24);
    await t.waitFor((x) => /REPLAY/.test(x));
    await t.keys('g');
    await t.type('end');
    await t.keys(KEY.enter, KEY.left, KEY.left, KEY.left, 'p');
    await t.waitFor((x) => /▶1x/.test(x));
    await t.keys('p', 'p');
    // At 60x the last samples go by in well under a second, and playing stops there.
    await t.waitFor((x) => x.includes(`REPLAY ${clock(99)}`) && !/▶\d+x/.test(x));
  });
});

describe('dashboard, replay of a window onto a longer history', () => {
  /** Days apart, the status bar gives the cursor's date with its time, as g reads them back: "2026-11-23 04:05:00". */
  const stamp = (ms: number): string => {
    const d = new Date(ms);
    return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')} ${formatClock(ms)}`;
  };

  /**
   * Three stored days, of which the dashboard holds one window at a time: the
   * input a remote agent's store gives it. `gate`, while set, holds each load
   * until the test opens it.
   */
  function openWindowed(cols = 80, rows = 24) {
    const all = storedSamples();
    const spikes = detectSpikes(all);
    const seeks: number[] = [];
    let gate: Promise<void> | null = null;
    let fail: string | null = null;
    const windowAround = (time: number): Timeline => {
      const tl = new SampleHistory(all.length);
      for (const x of all) if (Math.abs(x.time - time) <= 120_000) tl.push(x);
      return tl;
    };
    const window = {
      first: all[0]?.time ?? 0,
      last: all.at(-1)?.time ?? 0,
      seek: async (time: number): Promise<Timeline | null> => {
        seeks.push(time);
        if (gate) await gate;
        if (fail) throw new Error(fail);
        const tl = windowAround(time);
        return tl.length > 0 ? tl : null;
      },
    };
    const newest = storedSpikeTime(2);
    const t = open(cols, rows, { replay: { timeline: windowAround(newest), spikes, cursor: newest, window } });
    return {
      t,
      seeks,
      hold(): () => void {
        let open = (): void => undefined;
        gate = new Promise<void>((resolve) => (open = resolve));
        return () => {
          gate = null;
          open();
        };
      },
      failWith(message: string | null): void {
        fail = message;
      },
    };
  }

  const culpritRow = (name: string): RegExp => new RegExp(`^│\\s+\\d+ alice\\s+90\\.0.*${name}`, 'm');

  it('opens at the given moment; n/N to a spike outside the window load the window there, keys answering meanwhile', async () => {
    const w = openWindowed();
    let s = await w.t.waitFor((x) => x.includes(`REPLAY ${stamp(storedSpikeTime(2))}`));
    expect(s).toMatch(culpritRow(STORED_CULPRITS[2]));
    // The spike log dates the spikes of days before the newest sample's.
    expect(s).toMatch(new RegExp(`^│${formatClock(storedSpikeTime(2))} MEM 7\\.1G .*${STORED_CULPRITS[2]}`, 'm'));
    expect(s).toMatch(new RegExp(`^│${stamp(storedSpikeTime(1)).slice(5)} MEM 7\\.1G .*${STORED_CULPRITS[1]}`, 'm'));
    expect(s).toMatch(new RegExp(`^│${stamp(storedSpikeTime(0)).slice(5)} MEM 7\\.1G .*${STORED_CULPRITS[0]}`, 'm'));
    const release = w.hold();
    await w.t.keys('N');
    await w.t.waitFor((x) => x.includes(`loading ${formatClock(storedSpikeTime(1))}…`));
    // Still taking keys while the window loads.
    await w.t.keys('?');
    await w.t.waitFor((x) => /Help/.test(x));
    await w.t.keys(KEY.escape);
    release();
    s = await w.t.waitFor((x) => x.includes(`REPLAY ${stamp(storedSpikeTime(1))}`) && !/loading/.test(x));
    expect(s).toMatch(culpritRow(STORED_CULPRITS[1]));
    expect(w.seeks).toEqual([storedSpikeTime(1)]);
    await w.t.keys('N');
    s = await w.t.waitFor((x) => x.includes(`REPLAY ${stamp(storedSpikeTime(0))}`));
    expect(s).toMatch(culpritRow(STORED_CULPRITS[0]));
    // Inside the loaded window nothing is fetched.
    await w.t.keys(KEY.left, KEY.right);
    await w.t.waitFor((x) => x.includes(`REPLAY ${stamp(storedSpikeTime(0))}`));
    expect(w.seeks).toHaveLength(2);
  });

  it('g to a time in another window loads it; a load that fails puts the cursor back and says why', async () => {
    const w = openWindowed(120, 30);
    await w.t.waitFor((x) => x.includes(`REPLAY ${stamp(storedSpikeTime(2))}`));
    // A bare 04:04:57 would be that time on the cursor's day, where nothing is stored: the full date.
    await w.t.keys('g');
    await w.t.type(stamp(storedSpikeTime(1) - 3000));
    await w.t.keys(KEY.enter);
    await w.t.waitFor((x) => x.includes(`REPLAY ${stamp(storedSpikeTime(1) - 3000)}`));
    expect(w.seeks).toHaveLength(1);
    // The next spike is in this window: no load.
    await w.t.keys('n');
    await w.t.waitFor((x) => x.includes(`REPLAY ${stamp(storedSpikeTime(1))}`));
    expect(w.seeks).toHaveLength(1);
    w.failWith('connection lost');
    await w.t.keys('n');
    const s = await w.t.waitFor((x) => x.includes(`loading ${formatClock(storedSpikeTime(2))} failed: connection lost`));
    expect(s).toContain(`REPLAY ${stamp(storedSpikeTime(1))}`);
    expect(s).toMatch(culpritRow(STORED_CULPRITS[1]));
  });

  it('H says where stored history is to be had when nobody offers it', async () => {
    const w = openWindowed();
    await w.t.waitFor((x) => /REPLAY/.test(x));
    await w.t.keys('H');
    await w.t.waitFor((x) => /this is stored history/.test(x));
    ui.dash?.destroy();
    w.t.dispose();
    const live = await openLive(120, 30);
    await live.keys('H');
    await live.waitFor((x) => /no stored history here/.test(x));
  });
});

describe('dashboard and the terminal', () => {
  it('writes no color SGR with color off (NO_COLOR), and does with it on', async () => {
    const plain = await openLive(100, 30, { color: false });
    expect(hasColorSgr(plain.rawSince(0))).toBe(false);
    ui.dash?.destroy();
    await source?.close();
    plain.dispose();
    const colored = await openLive(100, 30, { color: true });
    expect(hasColorSgr(colored.rawSince(0))).toBe(true);
  });

  it('restores the terminal on destroy: leaves the alternate screen, shows the cursor; q resolves done', async () => {
    const t = await openLive(80, 24);
    expect(t.onAlternateScreen).toBe(true);
    const d = ui.dash as Dashboard;
    const mark = t.bytesWritten;
    await t.keys('q');
    await d.done;
    const tail = t.rawSince(mark);
    expect(tail).toContain('\x1b[?1049l');
    expect(tail).toContain('\x1b[?25h');
    await t.flush();
    expect(t.onAlternateScreen).toBe(false);
    // Idempotent.
    d.destroy();
    d.destroy();
  });

  it('Ctrl-C quits too', async () => {
    const t = await openLive(80, 24);
    await t.keys(KEY.ctrlC);
    await (ui.dash as Dashboard).done;
    await t.flush();
    expect(t.onAlternateScreen).toBe(false);
  });
});

async function waitUntil(cond: () => boolean, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > deadline) throw new Error('condition not reached');
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe('dashboard, hostile text from processes, agents and files', () => {
  const NAME = '\x1b]0;PWN\x07\x1b[2J';
  const SHOWN = '?]0;PWN??[2J';
  /** The scenario with alloc named to retitle and clear the terminal and forge a row, alice's name and the host's carrying bidi and C1 controls. */
  function hostileScenario(): Sample[] {
    return scenario().map((s) => ({
      ...s,
      host: { ...s.host, hostname: 'db1\x1b]0;PWN\x07\u202e' },
      processes: s.processes.map((p) => ({
        ...p,
        ...(p.pid === 4242 ? { name: NAME, cmd: 'alloc\n  31337 root     99.9 FORGED' } : {}),
        ...(p.user === 'alice' ? { user: 'ali\u202ece\x9b' } : {}),
      })),
    }));
  }

  it('shows them with ? on their own lines in the table, spike log, users, starts and status bar, and never acts on the terminal', async () => {
    const samples = hostileScenario();
    const timeline = new SampleHistory(1000);
    for (const s of samples) timeline.push(s);
    const t = open(250, 70, { replay: { timeline, spikes: detectSpikes(samples) } });
    const titles: string[] = [];
    t.term.onTitleChange((title) => titles.push(title));
    const s = await t.waitFor((x) => /REPLAY/.test(x) && x.includes(`${SHOWN}[4242]`));
    const lines = s.split('\n');
    // Table: the alloc row holds its name and its whole command line; no forged row of its own.
    expect(lines.find((l) => /\b4242 /.test(l))).toMatch(new RegExp(`4242 ali\\?ce\\?.*${escapeRe(SHOWN)}  alloc\\?  31337 root`));
    expect(lines.filter((l) => l.includes('31337')).every((l) => l.includes('alloc?'))).toBe(true);
    // Spike log, starts and exits, users, status bar.
    expect(s).toMatch(new RegExp(`MEM 7\\.1G \\S+\\s+${escapeRe(SHOWN)}\\[4242\\] \\d+%`));
    expect(s).toContain(`+ ${SHOWN}[4242] ali?ce?`);
    expect(s).toMatch(/ali\?ce\?\s+\d/);
    expect(s).toMatch(/db1\?\]0;PWN\?\? │ up/);
    const raw = t.rawSince(0);
    for (const ch of ['\x07', '\u202e', '\x9b', '\x1b]0;']) expect(raw).not.toContain(ch);
    expect(titles).toEqual([]);
  });

  it("shows a peer's error message in the status bar with ?", async () => {
    source = new ScriptedSource(scenario());
    const t = open(120, 30, { source, onStoredHistory: () => Promise.reject(new Error('store \x1b]0;PWN\x07gone\n\u202eok')) });
    await t.waitFor((x) => /LIVE/.test(x));
    await t.keys('H');
    await t.waitFor((x) => x.includes('store ?]0;PWN?gone??ok'));
    expect(t.rawSince(0)).not.toContain('\x07');
  });
});

function escapeRe(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
