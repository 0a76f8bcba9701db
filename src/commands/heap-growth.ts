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
 * The young generation's growth is switched off at once (cli.ts calls this before the
 * dashboard's modules load, which alone grow it to 8 MB) and on again after
 * start-up, then off for good once it reaches the cap: a watch that only
 * stopped it at the cap came too late for the synchronous start (the first read
 * of 1000 processes grew it to 16 MB before the watch ran). A 4 MB young
 * generation cost ~0.5 point of one core at 5 samples a second against 8 MB,
 * in the same bench; holding it at 1 MB for good (no growth at all) cost a third
 * more CPU.
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
