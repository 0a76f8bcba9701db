import { afterEach, describe, expect, it } from 'vitest';
import type { ProcessStats, Sample } from '../src/core/sample.js';
import type { ProcessSignaller, SignalName } from '../src/ui/process-signal.js';
import { HeadlessTerminal, KEY } from './helpers/headless-terminal.js';
import { HeadlessDashboard } from './helpers/headless-dashboard.js';
import { makeProcess, makeSample } from './helpers/make-sample.js';

/**
 * The process table in the real dashboard on a real blessed screen, read
 * through a terminal emulator: it holds every process, fills its panel, and
 * answers htop's keys (filter, tree, sort, follow, signal).
 */
const ui = new HeadlessDashboard();
afterEach(() => ui.close());

const T0 = new Date(2026, 10, 22, 3, 0, 0).getTime();
const MiB = 1024 ** 2;
const name = (i: number): string => `proc${String(i).padStart(3, '0')}`;

/** 200 processes, CPU falling with the index: proc000 is the busiest, proc199 the last. */
function crowd(): ProcessStats[] {
  return Array.from({ length: 200 }, (_, i) => makeProcess({ pid: 1000 + i, name: name(i), cpu: 200 - i, rss: (i + 1) * MiB, user: i % 2 ? 'alice' : 'bob' }));
}

/** init → daemon → two workers, and a lone job. */
function family(): ProcessStats[] {
  return [
    makeProcess({ pid: 1, ppid: 0, name: 'init', cpu: 1, user: 'root' }),
    makeProcess({ pid: 100, ppid: 1, name: 'daemon', cpu: 2 }),
    makeProcess({ pid: 101, ppid: 100, name: 'worker-a', cpu: 30 }),
    makeProcess({ pid: 102, ppid: 100, name: 'worker-b', cpu: 20 }),
    makeProcess({ pid: 500, ppid: 1, name: 'job', cpu: 5 }),
  ];
}

async function open(cols: number, rows: number, processes: ProcessStats[], signals?: ProcessSignaller): Promise<HeadlessTerminal> {
  const samples: Sample[] = [0, 1, 2].map((i) => makeSample({ time: T0 + i * 1000, processes }));
  // --top 15 (the helper's): what an agent would send; the local table is not cut by it.
  await ui.live(cols, rows, samples, signals ? { signals } : {}, /Processes by CPU/);
  await new Promise((r) => setTimeout(r, 250));
  return ui.term as HeadlessTerminal;
}

/** The table's rows on screen: from under its header to its bottom border, inside its frame. */
function tableRowsOnScreen(screen: string): string[] {
  const lines = screen.split('\n');
  const header = lines.findIndex((l) => /│\s+PID\S? +USER/.test(l));
  const left = (lines[header] ?? '').indexOf('│');
  // The frame's right edge, from the header line (a row's tree branches draw │ too).
  const right = (lines[header] ?? '').indexOf('│', left + 1);
  const out: string[] = [];
  for (let i = header + 1; i < lines.length; i++) {
    const l = lines[i] ?? '';
    if (l[left] !== '│') break;
    out.push(l.slice(left + 1, right < 0 ? undefined : right));
  }
  return out;
}

const names = (rows: readonly string[]): string[] => rows.map((r) => /\b(proc\d{3}|init|daemon|worker-[ab]|job)\b/.exec(r)?.[1] ?? '');

describe('process table panel', () => {
  it.each([
    [80, 24],
    [120, 40],
    [250, 70],
  ])('at %ix%i holds every process, fills its panel, and End reaches the last one', async (cols, rows) => {
    const t = await open(cols, rows, crowd());
    let table = tableRowsOnScreen(await t.text());
    expect(table.length).toBeGreaterThan(4);
    // No empty row: every line of the panel is a process, in CPU order.
    expect(names(table)).toEqual(table.map((_, i) => name(i)));
    if (rows >= 40) expect(table.length).toBeGreaterThan(15);
    expect(await t.text()).toMatch(/Processes by CPU \(200\)/);
    await t.keys(KEY.end);
    const s = await t.waitFor((x) => x.includes('proc199'));
    table = tableRowsOnScreen(s);
    expect(names(table).at(-1)).toBe('proc199');
    expect(names(table)).toEqual(table.map((_, i) => name(200 - table.length + i)));
    await t.keys(KEY.home);
    await t.waitFor((x) => names(tableRowsOnScreen(x))[0] === 'proc000');
  });

  it.each([
    [80, 24, ['S', 'THR'], ['START']],
    [250, 70, ['S', 'THR', 'START'], []],
  ])('at %ix%i shows the state, threads and start columns where the width allows', async (cols, rows, shown, hidden) => {
    const t = await open(cols, rows, crowd());
    const header = (await t.text()).split('\n').find((l) => /PID USER/.test(l)) ?? '';
    for (const c of shown) expect(header).toMatch(new RegExp(`\\b${c}\\b`));
    for (const c of hidden) expect(header).not.toMatch(new RegExp(`\\b${c}\\b`));
    expect(header).toMatch(/RSS\s+S\s+THR/);
  });

  it('filters with / as the text is typed (name, user, pid, a word of the command); Enter keeps the filter, Esc clears it', async () => {
    // Three of carol's, and two started with a command line beyond their name.
    const procs = crowd().map((p, i) =>
      i >= 20 && i < 23 ? { ...p, user: 'carol' } : i === 40 || i === 41 ? { ...p, cmd: `${p.name} --config /etc/nightly-backup.conf` } : p,
    );
    const t = await open(120, 40, procs);
    await t.keys('/');
    await t.type('proc01');
    let s = await t.waitFor((x) => /10 of 200 match "proc01"/.test(x));
    expect(names(tableRowsOnScreen(s).filter((r) => r.trim()))).toEqual(Array.from({ length: 10 }, (_, i) => name(10 + i)));
    expect(s).toMatch(/filter: proc01/);
    await t.keys(KEY.enter);
    s = await t.waitFor((x) => !/filter: proc01/.test(x));
    expect(s).toMatch(/10 of 200 match/);
    // A pid matches exactly.
    await t.keys('/', ...Array<string>(6).fill(KEY.backspace));
    await t.type('1150');
    s = await t.waitFor((x) => /1 of 200 match "1150"/.test(x));
    expect(names(tableRowsOnScreen(s).filter((r) => r.trim()))).toEqual(['proc150']);
    // A user's name: their processes only.
    await t.keys(...Array<string>(4).fill(KEY.backspace));
    await t.type('carol');
    s = await t.waitFor((x) => /3 of 200 match "carol"/.test(x));
    expect(names(tableRowsOnScreen(s).filter((r) => r.trim()))).toEqual(['proc020', 'proc021', 'proc022']);
    // A word of the command line, not of the name.
    await t.keys(...Array<string>(5).fill(KEY.backspace));
    await t.type('nightly');
    s = await t.waitFor((x) => /2 of 200 match "nightly"/.test(x));
    expect(names(tableRowsOnScreen(s).filter((r) => r.trim()))).toEqual(['proc040', 'proc041']);
    await t.keys(KEY.escape);
    s = await t.waitFor((x) => /Processes by CPU \(200\)/.test(x));
    expect(names(tableRowsOnScreen(s))[0]).toBe('proc000');
  });

  it('shows the tree with F5, folds with - and unfolds with +', async () => {
    const t = await open(120, 40, family());
    await t.keys('#');
    await t.waitFor((x) => /PID▲/.test(x));
    await t.keys('\x1b[15~');
    let s = await t.waitFor((x) => /Process tree by PID/.test(x));
    let table = tableRowsOnScreen(s).filter((r) => r.trim());
    expect(names(table)).toEqual(['init', 'daemon', 'worker-a', 'worker-b', 'job']);
    expect(table[1]).toMatch(/├─ daemon/);
    expect(table[2]).toMatch(/│ {2}├─ worker-a/);
    expect(table[3]).toMatch(/│ {2}└─ worker-b/);
    expect(table[4]).toMatch(/└─ job/);
    await t.keys(KEY.home, KEY.down, '-');
    s = await t.waitFor((x) => !x.includes('worker-a'));
    table = tableRowsOnScreen(s).filter((r) => r.trim());
    expect(names(table)).toEqual(['init', 'daemon', 'job']);
    expect(table[1]).toMatch(/├─ \+ daemon/);
    await t.keys('+');
    await t.waitFor((x) => x.includes('worker-a') && x.includes('worker-b'));
    await t.keys('v');
    s = await t.waitFor((x) => /Processes by PID/.test(x));
    expect(s).not.toMatch(/├─/);
  });

  it('sorts by each column with one key, again or I reversed, < > to the next column', async () => {
    const t = await open(120, 40, family());
    const order = async (re: RegExp): Promise<string[]> => names(tableRowsOnScreen(await t.waitFor((x) => re.test(x))).filter((r) => r.trim()));
    expect(await order(/CPU%▼/)).toEqual(['worker-a', 'worker-b', 'job', 'daemon', 'init']);
    await t.keys('#');
    expect(await order(/PID▲/)).toEqual(['init', 'daemon', 'worker-a', 'worker-b', 'job']);
    await t.keys('#');
    expect(await order(/PID▼/)).toEqual(['job', 'worker-b', 'worker-a', 'daemon', 'init']);
    await t.keys('A');
    expect(await order(/NAME▲/)).toEqual(['daemon', 'init', 'job', 'worker-a', 'worker-b']);
    await t.keys('I');
    expect(await order(/NAME▼/)).toEqual(['worker-b', 'worker-a', 'job', 'init', 'daemon']);
    await t.keys('U');
    expect(await order(/USER▲/)).toEqual(['worker-a', 'worker-b', 'job', 'daemon', 'init']);
    await t.keys('<');
    expect(await order(/PID▲/)).toEqual(['init', 'daemon', 'worker-a', 'worker-b', 'job']);
    await t.keys('P');
    expect(await order(/CPU%▼/)).toEqual(['worker-a', 'worker-b', 'job', 'daemon', 'init']);
    await t.keys('M');
    await order(/Processes by memory/);
  });

  it('follows a process with F: the title names it and its row stays selected as the order changes', async () => {
    const t = await open(120, 40, family());
    await t.keys(KEY.down, KEY.down, 'F');
    let s = await t.waitFor((x) => /following job\[500\]/.test(x));
    await t.keys('A');
    s = await t.waitFor((x) => /NAME▲/.test(x));
    expect(s).toMatch(/following job\[500\]/);
    // The selected (inverse) row is still job's: Enter inspects it.
    await t.keys(KEY.enter);
    await t.waitFor((x) => /Process job\[500\]/.test(x));
  });

  it('k without the capability (a viewer, a replay) says signals are for the local machine', async () => {
    const t = await open(120, 40, family());
    await t.keys('k');
    await t.waitFor((x) => /signals go only to processes on this machine/.test(x));
    expect(await t.text()).not.toMatch(/Send a signal/);
  });

  it('k asks first, naming the process and the signal; ↓ picks another; Enter sends it to that exact process and says so', async () => {
    const sent: { pid: number; startTime: number; signal: SignalName }[] = [];
    const signals: ProcessSignaller = { send: (target, signal) => (sent.push({ pid: target.pid, startTime: target.startTime, signal }), { kind: 'sent' }) };
    const t = await open(120, 40, family(), signals);
    await t.keys('k');
    let s = await t.waitFor((x) => /Send a signal/.test(x));
    expect(s).toMatch(/process worker-a\[101\]\s+user alice/);
    expect(s).toMatch(/Enter sends SIGTERM to worker-a\[101\]/);
    // Escape cancels: nothing sent.
    await t.keys(KEY.escape);
    await t.waitFor((x) => !/Send a signal/.test(x));
    expect(sent).toEqual([]);
    await t.keys('k', KEY.down);
    s = await t.waitFor((x) => /Enter sends SIGKILL to worker-a\[101\]/.test(x));
    await t.keys(KEY.enter);
    s = await t.waitFor((x) => /sent SIGKILL to worker-a\[101\]/.test(x));
    expect(s).not.toMatch(/Send a signal/);
    expect(sent).toEqual([{ pid: 101, startTime: makeProcess({ pid: 101, name: 'x' }).startTime, signal: 'KILL' }]);
  });

  it('says in one line when the process is gone or not ours', async () => {
    const signals: ProcessSignaller = { send: (target) => (target.pid === 101 ? { kind: 'denied' } : { kind: 'gone' }) };
    const t = await open(120, 40, family(), signals);
    await t.keys('k', KEY.enter);
    await t.waitFor((x) => /not allowed to signal worker-a\[101\] of user alice \(EPERM\)/.test(x));
    await t.keys(KEY.down, 'k', KEY.enter);
    await t.waitFor((x) => /worker-b\[102\] has exited \(ESRCH\): SIGTERM not sent/.test(x));
  });

  it('lists the table keys in the help overlay; at 80x24 ↓ scrolls to the ones below the screen', async () => {
    const t = await open(80, 24, family());
    await t.keys('?');
    let s = await t.waitFor((x) => /Help — ↑↓ more/.test(x));
    expect(s).not.toMatch(/send a signal/);
    await t.keys(KEY.end);
    s = await t.waitFor((x) => /send a signal to the selected process/.test(x));
    expect(s).toMatch(/F5 {2}v +processes as a tree/);
    expect(s).toMatch(/\? {2}Esc +this help/);
    await t.keys(KEY.home);
    await t.waitFor((x) => /q {2}Ctrl-C +quit/.test(x));
  });

  it('F3 searches: the selection jumps to the next match as you type and F3 goes on to the one after, all rows still listed', async () => {
    const t = await open(120, 40, crowd());
    await t.keys('\x1bOR');
    await t.waitFor((x) => /search: /.test(x));
    // Incremental, from the selected row on, as htop: "proc1" lands on proc100, "proc12" on proc120.
    await t.type('proc12');
    const s = await t.waitFor((x) => /search: proc12/.test(x));
    expect(s).toMatch(/Processes by CPU \(200\)/);
    // Enter closes the prompt where it is; Enter again inspects the selected row.
    await t.keys(KEY.enter, KEY.enter);
    await t.waitFor((x) => /Process proc120\[1120\]/.test(x));
    await t.keys(KEY.escape, '\x1bOR');
    await t.type('proc12');
    await t.waitFor((x) => /search: proc12/.test(x));
    await t.keys('\x1bOR', KEY.enter, KEY.enter);
    await t.waitFor((x) => /Process proc121\[1121\]/.test(x));
  });
});
