/** The shortest sampling interval anything in tmon accepts: below it, /proc's 10 ms CPU ticks make rates noise. */
export const MIN_INTERVAL_MS = 200;

/** The interval a sampler runs at when asked for `ms`: whole milliseconds, never below the minimum; not a number → 1 s. */
export function clampInterval(ms: number): number {
  return Number.isFinite(ms) ? Math.max(MIN_INTERVAL_MS, Math.round(ms)) : 1000;
}

/** Whether a caller may ask a collector for this interval (the command line checks it before any collector opens). */
export function isSamplingInterval(ms: number): boolean {
  return Number.isFinite(ms) && ms >= MIN_INTERVAL_MS;
}
