/**
 * Whole-process benchmark (issue 11): what a user sees on tmon's own line in
 * `top`. A real `tmon agent` (no viewer), `top -b -d 1` and a real `tmon`
 * dashboard (in a private tmux server, 120x40) run side by side over the same
 * window; each one's utime+stime ticks from /proc/PID/stat over that window are
 * its % of one core. Repeated at this machine's process count and with
 * sleepers added up to 300, 1000 and 3000 processes; every process started is
 * killed at the end.
 *
 * TMON_BENCH_WHOLE_SECONDS (default 60) sets the window, TMON_BENCH_WHOLE_WARMUP
 * (default 8) the seconds left out at start (module loading, the first read of
 * every process, JIT), TMON_BENCH_WHOLE_RUNS (default 1) how many times each
 * count is measured, TMON_BENCH_WHOLE_COUNTS (default "0,300,1000,3000"; 0 is
 * this machine as it is) which counts. TMON_BENCH_BASE (another build's
 * bin/tmon.js) runs that build's agent beside this one over the same window, to
 * set a change against the build before it on a noisy machine.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { fmt, median, processCount, sleep, spawnSleepers, started, withChildrenKilled } from './support.js';

const SECONDS = Number(process.env['TMON_BENCH_WHOLE_SECONDS'] ?? 60);
const WARMUP = Number(process.env['TMON_BENCH_WHOLE_WARMUP'] ?? 8);
const RUNS = Number(process.env['TMON_BENCH_WHOLE_RUNS'] ?? 1);
const COUNTS = (process.env['TMON_BENCH_WHOLE_COUNTS'] ?? '0,300,1000,3000').split(',').map(Number);
/** Extra node flags for the agent and dashboard (to try V8 flags). */
const NODE_FLAGS = (process.env['TMON_BENCH_NODE_FLAGS'] ?? '').split(' ').filter(Boolean);

/** bin/tmon.js of this checkout (dist-bench/bench → ../../bin), or TMON_BENCH_TMON (to measure another build side by side). */
const TMON = process.env['TMON_BENCH_TMON'] ?? path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../bin/tmon.js');
const BASE = process.env['TMON_BENCH_BASE'];
export const CLK_TCK = 100;

/** utime+stime of a process in clock ticks; NaN when it is gone. */
export function ticksOf(pid: number): number {
  try {
    const text = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    const f = text.slice(text.lastIndexOf(')') + 2).split(' ');
    return Number(f[11]) + Number(f[12]);
  } catch {
    return NaN;
  }
}

/** Busy and total ticks of the whole machine, to say how noisy a window was. */
function machineTicks(): { busy: number; total: number } {
  const f = (fs.readFileSync('/proc/stat', 'utf8').split('\n')[0] as string).trim().split(/\s+/).slice(1, 9).map(Number);
  const total = f.reduce((a, b) => a + b, 0);
  return { busy: total - (f[3] as number) - (f[4] as number), total };
}

function startAgent(tmon = TMON): ChildProcess {
  const agent = spawn(process.execPath, [...NODE_FLAGS, tmon, 'agent', '--listen', '127.0.0.1:0'], { detached: true, stdio: 'ignore' });
  started.add(agent);
  return agent;
}

function startTop(): ChildProcess {
  // Its output is drained and dropped: top formats and writes every process each tick, which is part of its cost.
  const top = spawn('top', ['-b', '-d', '1'], { detached: true, stdio: ['ignore', 'pipe', 'ignore'] });
  top.stdout?.resume();
  started.add(top);
  return top;
}

/**
 * A real dashboard in a private tmux server at 120x40, started in `cwd` with
 * `nodeFlags` and `args`; returns its node pid and a stopper.
 */
export async function startDashboard(nodeFlags = NODE_FLAGS, args: readonly string[] = [], cwd = process.cwd()): Promise<{ pid: number; stop: () => void } | null> {
  const socket = `tmon-bench-${process.pid}`;
  const cmd = ['exec', process.execPath, ...nodeFlags, TMON, ...args].map((a) => `'${a.replace(/'/g, "'\\''")}'`).join(' ');
  const made = spawnSync('tmux', ['-L', socket, '-f', '/dev/null', 'new-session', '-d', '-c', cwd, '-x', '120', '-y', '40', cmd], { stdio: 'ignore' });
  if (made.status !== 0) return null;
  const stop = (): void => void spawnSync('tmux', ['-L', socket, 'kill-server'], { stdio: 'ignore' });
  const listed = spawnSync('tmux', ['-L', socket, 'list-panes', '-F', '#{pane_pid}'], { encoding: 'utf8' });
  const pid = Number(listed.stdout.trim());
  if (!(pid > 0)) {
    stop();
    return null;
  }
  return { pid, stop };
}

interface Window {
  processes: number;
  agent: number;
  top: number;
  dashboard: number;
  machineBusy: number;
  load: number;
  /** The TMON_BENCH_BASE build's agent (NaN without one). */
  base: number;
}

/** % of one core each used over the same window. */
async function measure(): Promise<Window> {
  const agent = startAgent();
  const base = BASE ? startAgent(BASE) : null;
  const top = startTop();
  const dash = await startDashboard();
  try {
    await sleep(WARMUP * 1000);
    const pids = [agent.pid as number, top.pid as number, dash?.pid ?? -1, base?.pid ?? -1];
    const t0 = pids.map(ticksOf);
    const m0 = machineTicks();
    const w0 = performance.now();
    await sleep(SECONDS * 1000);
    const t1 = pids.map(ticksOf);
    const m1 = machineTicks();
    const wallMs = performance.now() - w0;
    const pct = (i: number): number => ((((t1[i] as number) - (t0[i] as number)) * (1000 / CLK_TCK)) / wallMs) * 100;
    return {
      processes: processCount(),
      agent: pct(0),
      top: pct(1),
      dashboard: pct(2),
      machineBusy: ((m1.busy - m0.busy) / (m1.total - m0.total)) * 100,
      load: Number(fs.readFileSync('/proc/loadavg', 'utf8').split(' ')[0]),
      base: pct(3),
    };
  } finally {
    for (const c of base ? [agent, top, base] : [agent, top]) {
      c.kill('SIGKILL');
      started.delete(c);
    }
    dash?.stop();
  }
}

export async function bench(): Promise<string> {
  return withChildrenKilled(async () => {
    const rows: string[] = [];
    const raw: string[] = [];
    for (const target of COUNTS) {
      await spawnSleepers(target - processCount());
      const runs: Window[] = [];
      for (let r = 0; r < RUNS; r++) {
        const w = await measure();
        runs.push(w);
        const beside = BASE ? ` ${fmt(w.base)} | ${fmt(w.agent / w.base)} |` : '';
        raw.push(
          `| ${w.processes} | ${fmt(w.agent)} | ${fmt(w.top)} | ${fmt(w.agent / w.top)} | ${fmt(w.dashboard)} | ${fmt(w.dashboard / w.agent)} | ${fmt(w.machineBusy, 0)} % | ${fmt(w.load)} |${beside}`,
        );
      }
      const m = (k: keyof Window): number => median(runs.map((w) => w[k]));
      const ratio = median(runs.map((w) => w.agent / w.top));
      const dashRatio = median(runs.map((w) => w.dashboard / w.agent));
      rows.push(`| ${Math.round(m('processes'))} | ${fmt(m('agent'))} | ${fmt(m('top'))} | ${fmt(ratio)} | ${fmt(m('dashboard'))} | ${fmt(dashRatio)} |`);
    }
    return [
      `Whole processes side by side over the same ${SECONDS} s (after ${WARMUP} s of warm-up): \`tmon agent\` (no viewer), \`top -b -d 1\` and a \`tmon\` dashboard (tmux, 120x40); % of one core from utime+stime in /proc/PID/stat, as top shows it. Median of ${RUNS} run${RUNS === 1 ? '' : 's'}; ratios are taken within a run.`,
      '',
      '| processes | agent % of a core | top % | agent / top | dashboard % | dashboard / agent |',
      '| ---: | ---: | ---: | ---: | ---: | ---: |',
      ...rows,
      '',
      'Each run, with how busy the machine was meanwhile (other work included):',
      '',
      `| processes | agent % | top % | agent / top | dashboard % | dashboard / agent | machine busy | load (1 min) |${BASE ? ' base agent % | agent / base |' : ''}`,
      `| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |${BASE ? ' ---: | ---: |' : ''}`,
      ...raw,
      '',
      'Targets: agent ≤ 0.6× top at 1000 processes, ≤ 1 % at 300, ≤ 0.5 % with ≤ 100; dashboard ≤ 1.5× the agent.',
    ].join('\n');
  });
}
