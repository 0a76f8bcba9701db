import { PerformanceObserver } from 'node:perf_hooks';
import { getHeapSpaceStatistics, setFlagsFromString } from 'node:v8';

/** Young generation (both semi-spaces) at which it stops growing: V8 would take it to 32 MB. */
export const YOUNG_GENERATION_CAP_BYTES = 8 * 1024 * 1024;
/** Old generation limit after a full collection: live size + 30 % (V8 picks 10 % to 300 % by its own speed estimates). */
const OLD_GROWTH_PERCENT = 30;

/**
 * Keeps a long-running dashboard's V8 heap near what it holds (issue 10: ≤ 80 MB
 * RSS with an hour of history). Measured on the real process at 200 ms and
 * 300-700 processes (`npm run bench -- dashboard-process`): V8 grows the young
 * generation to 32 MB and lets the old one reach two to four times its live
 * size. Side by side, a 2 MB young generation cost a third more CPU. The cap
 * is 8 MB because that is what the watch holds in the real process: a 4 MB
 * cap ended at 8 there (likely the synchronous start, the first read of every
 * process and the first frame, runs scavenges before the observer's callback).
 *
 * Both flags are read by V8 at each collection, so they take effect set at run
 * time; the command line's `--max-semi-space-size` would not (it is read once,
 * at start). Returns the stopper of the watch (tests; the dashboard runs to exit).
 */
export function capHeapGrowth(): () => void {
  setFlagsFromString(`--heap-growing-percent=${OLD_GROWTH_PERCENT}`);
  const young = (): number => getHeapSpaceStatistics().find((s) => s.space_name === 'new_space')?.space_size ?? 0;
  const stop = (): void => watch.disconnect();
  const watch = new PerformanceObserver(() => {
    if (young() < YOUNG_GENERATION_CAP_BYTES) return;
    setFlagsFromString('--semi-space-growth-factor=1');
    stop();
  });
  watch.observe({ entryTypes: ['gc'] });
  return stop;
}
