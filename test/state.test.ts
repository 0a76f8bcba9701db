import { describe, expect, it } from 'vitest';
import type { Spike } from '../src/core/spike.js';
import { SampleHistory } from '../src/core/sample-history.js';
import { initialState, reduce, type Action, type UiState, type ViewContext } from '../src/ui/state.js';
import { tableRows } from '../src/ui/process-table.js';
import { makeProcess, makeSample } from './helpers/make-sample.js';

const T = new Date(2026, 10, 22, 3, 0, 0).getTime();

function timeline(n = 600): SampleHistory {
  const h = new SampleHistory(1000);
  for (let i = 0; i < n; i++) {
    h.push(makeSample({ time: T + i * 1000, processes: [makeProcess({ pid: 1, name: 'a', cpu: 50 }), makeProcess({ pid: 2, name: 'b', cpu: 10 })] }));
  }
  return h;
}

const tl = timeline();
const last = T + 599_000;
const culprit = { pid: 2, name: 'b', cmd: 'b', user: 'alice', startTime: makeProcess({ pid: 2, name: 'b' }).startTime, rise: 10, share: 1 };
const spikes: Spike[] = [
  { id: 'cpu@a', metric: 'cpu', start: T + 100_000, end: T + 101_000, peak: 95, peakAt: T + 100_000, min: 90, avg: 92, baseline: 10, severity: 'critical', culprits: [culprit] },
  { id: 'cpu@b', metric: 'cpu', start: T + 300_000, end: T + 302_000, peak: 99, peakAt: T + 301_000, min: 90, avg: 95, baseline: 10, severity: 'critical', culprits: [] },
];
const rows = tableRows(tl.at(0), { sort: { column: 'cpu', reverse: false }, filter: '', tree: false, collapsed: [] });
const ctx: ViewContext = {
  timeline: tl,
  spikes,
  rows,
  spikeIds: ['cpu@b', 'cpu@a'],
  pageSize: { table: 5, spikes: 3 },
  showing: new Set(['cpu', 'events']),
};

function run(state: UiState, ...actions: Action[]): UiState {
  return actions.reduce((s, a) => reduce(s, a, ctx), state);
}

const live = initialState(null);

describe('view state', () => {
  it('pauses the view at the newest sample and resumes live', () => {
    const p = run(live, { type: 'togglePause' });
    expect(p).toMatchObject({ mode: 'paused', cursor: last });
    expect(run(p, { type: 'togglePause' })).toMatchObject({ mode: 'live', cursor: null });
  });

  it('steps pause a live view first, then move the cursor', () => {
    expect(run(live, { type: 'step', samples: -1 })).toMatchObject({ mode: 'paused', cursor: last - 1000 });
    expect(run(live, { type: 'stepTime', ms: -60_000 })).toMatchObject({ mode: 'paused', cursor: last - 60_000 });
    expect(run(live, { type: 'step', samples: -1 }, { type: 'step', samples: 5 })).toMatchObject({ cursor: last });
  });

  it('jumps to the next and previous spike peak, and says when there is none', () => {
    const replay = initialState({ cursor: T });
    const a = run(replay, { type: 'spike', dir: 1 });
    expect(a).toMatchObject({ mode: 'replay', cursor: T + 100_000, spikes: { id: 'cpu@a' } });
    // The table selection moves to the spike's top culprit.
    expect(a.table.key).toBe(`2@${culprit.startTime}`);
    expect(run(a, { type: 'spike', dir: 1 }).cursor).toBe(T + 301_000);
    expect(run(a, { type: 'spike', dir: -1 })).toMatchObject({ cursor: T + 100_000, message: 'no earlier spike' });
    expect(run(a, { type: 'spike', dir: -1 }, { type: 'sort', key: 'mem' }).message).toBe('');
  });

  it('cycles play speeds in replay, plays forward on ticks and stops at the end', () => {
    const replay = initialState({ cursor: last - 5000 });
    const p = run(replay, { type: 'play' });
    expect(p.play).toBe(1);
    expect(run(p, { type: 'play' }, { type: 'play' }, { type: 'play' }).play).toBe(0);
    expect(run(p, { type: 'tick', elapsedMs: 2000 }).cursor).toBe(last - 3000);
    expect(run(p, { type: 'tick', elapsedMs: 10_000 })).toMatchObject({ cursor: last, play: 0 });
    // Space in replay: play / stop.
    expect(run(replay, { type: 'togglePause' }).play).toBe(1);
    // Live, p only explains.
    expect(run(live, { type: 'play' })).toMatchObject({ play: 0, message: expect.stringMatching(/pause/) });
  });

  it('moves the selection of the focused list, by line, by page and to the ends', () => {
    expect(run(live, { type: 'scroll', by: 1 }).table).toEqual({ index: 1, key: rows[1]?.key });
    expect(run(live, { type: 'scroll', by: 'pageDown' }).table.index).toBe(1);
    expect(run(live, { type: 'scroll', by: 'end' }, { type: 'scroll', by: 'home' }).table.index).toBe(0);
    const spikesFocused = run(live, { type: 'focus' });
    expect(spikesFocused.focus).toBe('spikes');
    expect(run(spikesFocused, { type: 'scroll', by: 1 }).spikes).toEqual({ index: 1, id: 'cpu@a' });
    expect(run(live, { type: 'select', panel: 'spikes', index: 1 })).toMatchObject({ focus: 'spikes', spikes: { index: 1, id: 'cpu@a' } });
  });

  it('Enter on a spike goes to it (pausing a live view), again inspects its culprit; Enter on a row inspects the process', () => {
    const onSpike = run(live, { type: 'focus' }, { type: 'scroll', by: 1 }, { type: 'enter' });
    expect(onSpike).toMatchObject({ mode: 'paused', cursor: T + 100_000 });
    // Enter again, already at the spike: its top culprit in the inspector.
    expect(run(onSpike, { type: 'enter' }).overlay).toMatchObject({ kind: 'inspect', process: { pid: 2, name: 'b' } });
    const inspecting = run(live, { type: 'enter' });
    expect(inspecting.overlay).toEqual({ kind: 'inspect', process: { key: rows[0]?.key, pid: 1, name: 'a', user: 'alice', cmd: 'a' } });
    expect(run(inspecting, { type: 'close' }).overlay).toBeNull();
  });

  it('i on a spike inspects its top culprit', () => {
    const s = run(live, { type: 'focus' }, { type: 'scroll', by: 1 }, { type: 'inspect' });
    expect(s.overlay).toMatchObject({ kind: 'inspect', process: { pid: 2, name: 'b' } });
    const none = run(live, { type: 'focus' }, { type: 'inspect' });
    expect(none).toMatchObject({ overlay: null, message: expect.stringMatching(/no culprit/) });
  });

  it('goes to a typed time, pausing a live view; a bad one leaves the cursor and says why', () => {
    const typed = run(live, { type: 'gotoOpen' }, ...[...'03:05'].map((text): Action => ({ type: 'gotoInput', text })));
    expect(typed.overlay).toEqual({ kind: 'goto', text: '03:05' });
    expect(run(typed, { type: 'gotoBackspace' }).overlay).toEqual({ kind: 'goto', text: '03:0' });
    expect(run(typed, { type: 'gotoSubmit' })).toMatchObject({ mode: 'paused', cursor: T + 300_000, overlay: null });
    const bad = run(live, { type: 'gotoOpen' }, { type: 'gotoInput', text: 'x' }, { type: 'gotoSubmit' });
    expect(bad).toMatchObject({ mode: 'live', cursor: null, overlay: null, message: expect.stringMatching(/cannot read "x"/) });
  });

  it('a typed time past either end of the history lands on that end and says so', () => {
    const goto = (text: string): UiState => run(live, { type: 'gotoOpen' }, { type: 'gotoInput', text }, { type: 'gotoSubmit' });
    const early = goto('2020-01-01');
    expect(early.cursor).toBe(T);
    expect(early.message).toMatch(/^2020-01-01 is before the history \(2026-11-22 03:00:00 – 2026-11-22 03:09:59\): at its start$/);
    const late = goto('2030-01-01 00:00');
    expect(late.cursor).toBe(tl.at(tl.length - 1)?.time);
    expect(late.message).toMatch(/is after the history .*: at its end$/);
    expect(goto('03:05').message).toBe('');
  });

  it('toggles panels from what is showing, the per-core graph and the help', () => {
    expect(run(live, { type: 'toggle', panel: 'users' }).toggles).toEqual({ users: true });
    expect(run(live, { type: 'toggle', panel: 'events' }).toggles).toEqual({ events: false });
    expect(run(live, { type: 'perCore' }).perCore).toBe(true);
    expect(live.memZoom).toBe(true);
    expect(run(live, { type: 'memZoom' }).memZoom).toBe(false);
    expect(run(live, { type: 'help' }).overlay).toEqual({ kind: 'help' });
    expect(run(live, { type: 'help' }, { type: 'help' }).overlay).toBeNull();
  });

  it('a window onto a longer history: moves past its ends land outside it, within the whole history, for the dashboard to load', () => {
    // The timeline holds T … T+599 s of a history running from T-1 day to T+1 day.
    const DAY = 86_400_000;
    const wide: ViewContext = { ...ctx, extent: { first: T - DAY, last: T + DAY } };
    const at = (cursor: number, ...actions: Action[]): UiState => actions.reduce((st, a) => reduce(st, a, wide), initialState({ cursor }));
    expect(at(T, { type: 'step', samples: -1 }).cursor).toBe(T - 1);
    expect(at(last, { type: 'step', samples: 1 }).cursor).toBe(last + 1);
    expect(at(T + 1000, { type: 'step', samples: -1 }).cursor).toBe(T);
    expect(at(T + 30_000, { type: 'stepTime', ms: -3_600_000 }).cursor).toBe(T + 30_000 - 3_600_000);
    expect(at(last, { type: 'stepTime', ms: 60_000 }).cursor).toBe(last + 60_000);
    expect(at(T + 30_000, { type: 'stepTime', ms: 60_000 }).cursor).toBe(T + 90_000);
    // Not past the whole history's ends.
    expect(at(last, { type: 'stepTime', ms: 2 * DAY }).cursor).toBe(T + DAY);
    // g: a time outside the window is kept as typed; start and end are the whole history's.
    const goto = (text: string): UiState => at(T, { type: 'gotoOpen' }, { type: 'gotoInput', text }, { type: 'gotoSubmit' });
    expect(goto('start').cursor).toBe(T - DAY);
    expect(goto('end').cursor).toBe(T + DAY);
    expect(goto('-2h').cursor).toBe(T + DAY - 7_200_000);
    expect(goto('03:05').cursor).toBe(T + 300_000);
    // Without an extent nothing leaves the timeline.
    expect(run(initialState({ cursor: T }), { type: 'step', samples: -1 }).cursor).toBe(T);
    expect(run(initialState({ cursor: T }), { type: 'gotoOpen' }, { type: 'gotoInput', text: 'end' }, { type: 'gotoSubmit' }).cursor).toBe(last);
  });

  it('says what it is told to', () => {
    expect(run(live, { type: 'say', text: 'no stored history here' }).message).toBe('no stored history here');
  });
});

describe('process table state', () => {
  const P = makeProcess;
  const sample = makeSample({
    time: T,
    processes: [P({ pid: 1, name: 'init', ppid: 0, cpu: 1 }), P({ pid: 50, name: 'sshd', ppid: 1, cpu: 3 }), P({ pid: 60, name: 'bash', ppid: 50, cpu: 2 }), P({ pid: 70, name: 'gone', ppid: 1, exited: true })],
  });
  const tableCtx = (s: UiState): ViewContext => ({
    ...ctx,
    rows: tableRows(sample, { sort: { column: s.sort, reverse: s.sortReverse }, filter: s.filter, tree: s.tree, collapsed: s.collapsed }),
  });
  const go = (state: UiState, ...actions: Action[]): UiState => actions.reduce((s, a) => reduce(s, a, tableCtx(s)), state);
  const select = (s: UiState, pid: number): UiState => go(s, { type: 'select', panel: 'table', index: tableCtx(s).rows.findIndex((r) => r.pid === pid) });

  it('sorts by a column, reverses with its key again or I, and steps columns with < >', () => {
    expect(go(live, { type: 'sort', key: 'pid' })).toMatchObject({ sort: 'pid', sortReverse: false });
    expect(go(live, { type: 'sort', key: 'pid' }, { type: 'sort', key: 'pid' })).toMatchObject({ sort: 'pid', sortReverse: true });
    expect(go(live, { type: 'sortReverse' })).toMatchObject({ sort: 'cpu', sortReverse: true });
    expect(go(live, { type: 'sortReverse' }, { type: 'sortStep', dir: 1 })).toMatchObject({ sort: 'mem', sortReverse: false });
  });

  it('filters as the text is typed; Enter keeps the filter, Esc clears it', () => {
    const typing = go(live, { type: 'filterOpen' }, { type: 'filterInput', text: 's' }, { type: 'filterInput', text: 'x' }, { type: 'filterBackspace' }, { type: 'filterInput', text: 's' });
    expect(typing).toMatchObject({ filter: 'ss', overlay: { kind: 'filter' } });
    expect(tableCtx(typing).rows.map((r) => r.name)).toEqual(['sshd']);
    const kept = go(typing, { type: 'filterClose' });
    expect(kept).toMatchObject({ filter: 'ss', overlay: null });
    expect(go(kept, { type: 'filterClear' })).toMatchObject({ filter: '', overlay: null });
    // Typing outside the prompt changes nothing.
    expect(go(kept, { type: 'filterInput', text: 'z' }).filter).toBe('ss');
  });

  it('F3 search moves the selection to the next match, leaving every row listed', () => {
    const typed = go(live, { type: 'searchOpen' }, { type: 'searchInput', text: 'B' }, { type: 'searchInput', text: 'A' });
    expect(typed.overlay).toEqual({ kind: 'search', text: 'BA' });
    const rows = tableCtx(typed).rows;
    expect(rows).toHaveLength(4);
    expect(rows[typed.table.index]?.name).toBe('bash');
    // Next from bash wraps round to the only match again; a miss says so and leaves the selection.
    expect(go(typed, { type: 'searchNext' }).table.key).toBe(typed.table.key);
    const s2 = go(live, { type: 'searchOpen' }, { type: 'searchInput', text: 's' });
    const first = tableCtx(s2).rows[s2.table.index]?.name;
    const next = go(s2, { type: 'searchNext' });
    expect([first, tableCtx(next).rows[next.table.index]?.name].sort()).toEqual(['bash', 'sshd']);
    const miss = go(typed, { type: 'searchInput', text: 'z' });
    expect(miss.message).toBe('no process matches "BAz"');
    expect(miss.table.key).toBe(typed.table.key);
  });

  it('folds and unfolds the selected process in the tree, and says why not outside it', () => {
    const tree = select(go(live, { type: 'tree' }), 50);
    const folded = go(tree, { type: 'fold', hide: true });
    expect(folded.collapsed).toHaveLength(1);
    expect(tableCtx(folded).rows.map((r) => r.pid)).toEqual([1, 50, 70]);
    expect(go(folded, { type: 'fold', hide: false }).collapsed).toEqual([]);
    expect(go(select(tree, 60), { type: 'fold', hide: true }).message).toMatch(/bash\[60\] has no children/);
    expect(go(live, { type: 'fold', hide: true }).message).toMatch(/F5/);
  });

  it('follows a process: selection stays on it, a move stops following', () => {
    const f = go(select(live, 60), { type: 'follow' });
    expect(f.follow).toMatchObject({ pid: 60, name: 'bash' });
    // The order changes: the followed process keeps the selection, so a signal still goes to it.
    const resorted = go(f, { type: 'sort', key: 'pid' });
    expect(go(resorted, { type: 'signalOpen' }).overlay).toMatchObject({ kind: 'signal', target: { pid: 60 } });
    // Filtered out of the table, nothing else is selected in its place: no signal to a neighbour.
    const filterSs = [{ type: 'filterOpen' }, { type: 'filterInput', text: 's' }, { type: 'filterInput', text: 's' }, { type: 'filterClose' }] as const;
    expect(go(go(f, ...filterSs), { type: 'signalOpen' })).toMatchObject({ overlay: null, message: 'no process selected' });
    // Merely selected, the selection falls to the row left in its place.
    expect(go(go(select(live, 60), ...filterSs), { type: 'signalOpen' }).overlay).toMatchObject({ target: { name: 'sshd' } });
    const moved = go(resorted, { type: 'scroll', by: 1 });
    expect(moved.follow).toBeNull();
    expect(tableCtx(moved).rows[moved.table.index]?.pid).toBe(70);
    expect(go(f, { type: 'follow' }).follow).toBeNull();
  });

  it('opens the signal prompt for the selected live process only, with SIGTERM first; ↑↓ choose within the list', () => {
    const open = go(select(live, 60), { type: 'signalOpen' });
    expect(open.overlay).toMatchObject({ kind: 'signal', choice: 0, target: { pid: 60, name: 'bash', startTime: P({ pid: 60, name: 'bash' }).startTime } });
    expect(go(open, { type: 'signalChoose', dir: -1 }).overlay).toMatchObject({ choice: 0 });
    expect(go(open, { type: 'signalChoose', dir: 1 }).overlay).toMatchObject({ choice: 1 });
    const done = go(open, { type: 'signalDone', text: 'sent SIGTERM to bash[60]' });
    expect(done).toMatchObject({ overlay: null, message: 'sent SIGTERM to bash[60]' });
    expect(go(select(live, 70), { type: 'signalOpen' })).toMatchObject({ overlay: null, message: 'gone[70] has exited: nothing to signal' });
    expect(go({ ...live, focus: 'spikes' }, { type: 'signalOpen' }).message).toMatch(/Tab to the process table/);
  });

  it('scrolls the help within what is cut off', () => {
    const help = reduce(live, { type: 'help' }, { ...ctx, helpMaxTop: 5 });
    const down = (s: UiState, by: number): UiState => reduce(s, { type: 'helpScroll', by }, { ...ctx, helpMaxTop: 5 });
    expect(down(help, 3).overlay).toEqual({ kind: 'help', top: 3 });
    expect(down(help, 1000).overlay).toEqual({ kind: 'help', top: 5 });
    expect(down(down(help, 2), -10).overlay).toEqual({ kind: 'help', top: 0 });
    expect(down(live, 1).overlay).toBeNull();
  });
});
