import type { FastProbe } from './proc-reader.js';
import type { FastWindow } from './raw.js';

export interface FastWatchOptions {
  /** Readings per second. */
  hz: number;
  /** Memory used rising this many bytes since the last process scan triggers a burst scan. */
  memJumpBytes: number;
  /** Total CPU busy rising this many percent points since the last process scan triggers a burst scan. */
  cpuJumpPct: number;
  /**
   * CPU busy is measured over sliding windows this long. /proc/stat counts in
   * 10 ms ticks: one 66 ms reading on 2 cores holds ~13 ticks (7.7 % steps),
   * noise that would fake a peak every second; 200 ms holds 40.
   */
  busyWindowMs: number;
  /** Burst scans are at least this far apart, and from the tick's scan. */
  minBurstGapMs: number;
  maxBurstsPerInterval: number;
}

export const DEFAULT_FAST_HZ = 15;
const MB = 1024 * 1024;

/** Defaults for a machine with `memTotal` bytes: a memory jump is 5 % of RAM or 200 MB, whichever is smaller. */
export function defaultFastWatchOptions(memTotal: number, hz = DEFAULT_FAST_HZ): FastWatchOptions {
  return {
    hz: Math.min(50, Math.max(1, hz)),
    memJumpBytes: Math.min(memTotal * 0.05, 200 * MB),
    cpuJumpPct: 25,
    busyWindowMs: 200,
    minBurstGapMs: 120,
    maxBurstsPerInterval: 6,
  };
}

/** Where the watch stands when it considers a burst. */
export interface BurstState {
  memUsed: number;
  busy: number;
  /** Readings at the last process scan (tick or burst). */
  memAtScan: number;
  busyAtScan: number;
  msSinceScan: number;
  burstsThisInterval: number;
}

/**
 * Pure burst decision: a jump past either threshold, within the rate limit. NaN
 * readings never trigger. Once a burst has fired in this interval, half the
 * memory jump is enough for another: the first scan often lands early on the
 * way up, and the culprit is only at its full size at the top.
 */
export function burstDue(s: BurstState, o: FastWatchOptions): boolean {
  if (s.msSinceScan < o.minBurstGapMs || s.burstsThisInterval >= o.maxBurstsPerInterval) return false;
  const memJump = s.burstsThisInterval > 0 ? o.memJumpBytes / 2 : o.memJumpBytes;
  return s.memUsed - s.memAtScan >= memJump || s.busy - s.busyAtScan >= o.cpuJumpPct;
}

/**
 * Reads /proc/meminfo and /proc/stat many times a second (each read ~12 µs,
 * parsed without allocating), keeps the lowest and highest memory used and CPU
 * busy of the current interval, and asks for a process scan when either jumps,
 * so a spike's culprit is seen while the spike is on. /proc/pressure is not
 * read here: its avg10 is already a 10 s average, polling it faster tells nothing.
 */
export class FastWatch {
  private timer: NodeJS.Timeout | null = null;
  // Reused each reading: at 15 Hz the watch should leave no garbage behind.
  private readonly reading: FastProbe = { memUsed: 0, busyTicks: 0, totalTicks: 0 };
  private readonly state: BurstState = { memUsed: 0, busy: 0, memAtScan: 0, busyAtScan: 0, msSinceScan: 0, burstsThisInterval: 0 };
  /** Ring of recent cumulative CPU ticks, for busy over `busyWindowMs`. */
  private readonly busyRing: Float64Array;
  private readonly totalRing: Float64Array;
  private ringCount = 0;
  private ringNext = 0;
  private usedMin = Infinity;
  private usedMax = -Infinity;
  private busyMin = Infinity;
  private busyMax = -Infinity;
  private memUsed = NaN;
  private busy = NaN;
  private memAtScan = NaN;
  private busyAtScan = NaN;
  private lastScanAt: number;
  private bursts = 0;
  private burstCount = 0;

  constructor(
    private readonly probe: (out: FastProbe) => boolean,
    private readonly opts: FastWatchOptions,
    private readonly onBurst: () => void,
    private readonly now: () => number = () => performance.now(),
  ) {
    const span = Math.max(1, Math.round((opts.busyWindowMs * opts.hz) / 1000));
    this.busyRing = new Float64Array(span + 1);
    this.totalRing = new Float64Array(span + 1);
    this.lastScanAt = now();
  }

  /** Burst scans triggered since start. */
  get burstsTotal(): number {
    return this.burstCount;
  }

  get running(): boolean {
    return this.timer !== null;
  }

  start(): void {
    if (this.timer) return;
    this.poll();
    // unref: the watch serves the sampler; it must never be what keeps the process alive.
    this.timer = setInterval(() => this.poll(), 1000 / this.opts.hz).unref();
  }

  /**
   * The interval's extremes (null if the watch took no reading in it), then a
   * new interval starting now with the tick's process scan as the reference.
   */
  takeWindow(): FastWindow | null {
    const w =
      this.usedMax >= this.usedMin
        ? {
            usedMin: this.usedMin,
            usedMax: this.usedMax,
            busyMin: this.busyMax >= this.busyMin ? this.busyMin : Infinity,
            busyMax: this.busyMax >= this.busyMin ? this.busyMax : -Infinity,
          }
        : null;
    this.usedMin = this.busyMin = Infinity;
    this.usedMax = this.busyMax = -Infinity;
    this.bursts = 0;
    this.markScan();
    return w;
  }

  close(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  /** Takes one reading now (the timer calls this; so can a caller that wants a reading at a known moment). */
  poll(): void {
    if (!this.probe(this.reading)) return;
    const r = this.reading;
    this.memUsed = r.memUsed;
    if (r.memUsed < this.usedMin) this.usedMin = r.memUsed;
    if (r.memUsed > this.usedMax) this.usedMax = r.memUsed;
    this.pushTicks(r.busyTicks, r.totalTicks);
    if (Number.isFinite(this.busy)) {
      if (this.busy < this.busyMin) this.busyMin = this.busy;
      if (this.busy > this.busyMax) this.busyMax = this.busy;
    }
    // The first readings after start become the references the next jumps are measured from.
    if (Number.isNaN(this.memAtScan)) this.memAtScan = this.memUsed;
    if (Number.isNaN(this.busyAtScan)) this.busyAtScan = this.busy;
    const st = this.state;
    st.memUsed = this.memUsed;
    st.busy = this.busy;
    st.memAtScan = this.memAtScan;
    st.busyAtScan = this.busyAtScan;
    st.msSinceScan = this.now() - this.lastScanAt;
    st.burstsThisInterval = this.bursts;
    if (!burstDue(st, this.opts)) return;
    this.bursts++;
    this.burstCount++;
    this.onBurst();
    this.markScan();
  }

  private pushTicks(busy: number, total: number): void {
    const size = this.busyRing.length;
    this.busyRing[this.ringNext] = busy;
    this.totalRing[this.ringNext] = total;
    const oldest = this.ringCount === size ? (this.ringNext + 1) % size : 0;
    this.ringNext = (this.ringNext + 1) % size;
    if (this.ringCount < size) this.ringCount++;
    if (this.ringCount < size) return;
    const dTotal = total - (this.totalRing[oldest] as number);
    const dBusy = busy - (this.busyRing[oldest] as number);
    // A counter going backwards (CPU hot-unplug) or no tick yet: no new busy value.
    if (dTotal > 0 && dBusy >= 0) this.busy = (dBusy / dTotal) * 100;
  }

  private markScan(): void {
    this.memAtScan = this.memUsed;
    this.busyAtScan = this.busy;
    this.lastScanAt = this.now();
  }
}
