import { PerformanceObserver } from 'node:perf_hooks';
import { getHeapSpaceStatistics, setFlagsFromString } from 'node:v8';

/** Young generation (both semi-spaces) at which it stops growing: V8 would take it to 32 MB. */
export const YOUNG_GENERATION_CAP_BYTES = 4 * 1024 * 1024;
/** Start-up (the first read of every process, the first frames) runs with the young generation held where it starts. */
export const START_HOLD_MS = 5000;
/** Old generation limit after a full collection: live size + 30 % (V8 picks 10 % to 300 % by its own speed estimates). */
const OLD_GROWTH_PERCENT = 30;

const growYoung = (on: boolean): void => setFlagsFromString(`--semi-space-growth-factor=${on ? 2 : 1}`);
const young = (): number => getHeapSpaceStatistics().find((s) => s.space_name === 'new_space')?.space_size ?? 0;

/**
 * Keeps a long-running dashboard's V8 heap near what it holds (issue 10: ≤ 80 MB
 * RSS with an hour of history). Measured on the real process at 200 ms and
 * 100-1000 processes (`npm run bench -- dashboard-process`): V8 grows the young
 * generation to 16-32 MB and lets the old one reach two to four times its live
 * size.
 *
 * cli.ts calls this before the dashboard's modules load: loading them alone
 * grows the young generation to 8 MB, and a busy start (1000 processes) to 16,
 * before any GC watch gets to run. So its growth is off from the start, on
 * again after start-up, and off for good once it reaches the cap. In the same
 * bench a 4 MB young generation cost no more CPU than 8 MB within the noise
 * (≤ 0.5 point of one core); a 2 MB one cost a third more.
 *
 * Both flags are read by V8 at each collection, so they take effect set at run
 * time; the command line's `--max-semi-space-size` would not (it is read once,
 * at start), and `--semi-space-growth-factor=1` there is raised to V8's minimum
 * of 2. Returns the stopper of the watch (tests; the dashboard runs to exit).
 */
export function capHeapGrowth(holdMs = START_HOLD_MS): () => void {
  setFlagsFromString(`--heap-growing-percent=${OLD_GROWTH_PERCENT}`);
  growYoung(false);
  const watch = new PerformanceObserver(() => {
    if (young() < YOUNG_GENERATION_CAP_BYTES) return;
    growYoung(false);
    watch.disconnect();
  });
  const release = setTimeout(() => {
    if (young() >= YOUNG_GENERATION_CAP_BYTES) return;
    growYoung(true);
    watch.observe({ entryTypes: ['gc'] });
  }, holdMs);
  release.unref();
  return () => {
    clearTimeout(release);
    watch.disconnect();
  };
}

/**
 * The dashboard runs on V8's interpreter and baseline compiler only (issue 10:
 * ≤ 80 MB RSS with an hour of history). Its optimizing compiler, TurboFan,
 * costs it ~8 MB of RSS for the little JS a tick runs: ~4 MB of node's binary
 * (the compiler's own code, paged in at the first optimization) and ~4 MB that
 * its compile thread's malloc arena keeps after the compiles. Measured on the
 * real process at 1 Hz and 1000 processes, side by side with and without, three
 * times: mean RSS 68 against 77 MB, CPU +0.17, +0.33 and +0.51 point of one core
 * (+6 to +14 %). The agent keeps TurboFan: its cost is CPU, not memory.
 *
 * V8 reads the flag at each tiering decision, so it takes effect set at run
 * time, before anything is hot; `--no-concurrent-recompilation`, which would
 * keep the compiler and save the arena, is read only at start.
 */
export function skipOptimizingCompiler(): void {
  setFlagsFromString('--no-opt');
}
