/**
 * Samples laid out by time rather than by count, so a graph shows an outage
 * (a dropped link, a stopped agent, a recording resumed later) as the empty
 * stretch it was instead of joining the samples on both sides. Pure.
 */

/** Up to this many times the usual step between samples is jitter, not a gap. */
const GAP_FACTOR = 1.5;

export interface TimeSlots<T> {
  /** The samples in order, with a null for each step where one is missing. */
  slots: (T | null)[];
  /** Index into `slots` of each sample. */
  slotOf: number[];
}

/**
 * Inserts a null per missing step between consecutive samples. The step is the
 * median spacing (robust to the gap itself and to a changed interval); a gap adds
 * at most `maxGap` nulls (the graph's width): one longer than the window shows as a
 * window of nothing, as it was, without filling a night's worth of slots.
 */
export function timeSlots<T extends { time: number }>(samples: readonly T[], maxGap: number): TimeSlots<T> {
  const step = medianStep(samples);
  const slots: (T | null)[] = [];
  const slotOf: number[] = [];
  samples.forEach((s, i) => {
    const prev = samples[i - 1];
    if (prev && step > 0 && s.time - prev.time > GAP_FACTOR * step) {
      const missing = Math.min(Math.max(0, maxGap), Math.round((s.time - prev.time) / step) - 1);
      for (let k = 0; k < missing; k++) slots.push(null);
    }
    slotOf.push(slots.length);
    slots.push(s);
  });
  return { slots, slotOf };
}

function medianStep(samples: readonly { time: number }[]): number {
  const steps: number[] = [];
  for (let i = 1; i < samples.length; i++) {
    const d = (samples[i] as { time: number }).time - (samples[i - 1] as { time: number }).time;
    if (d > 0) steps.push(d);
  }
  steps.sort((a, b) => a - b);
  return steps.length ? (steps[Math.floor(steps.length / 2)] as number) : 0;
}
