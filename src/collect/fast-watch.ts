import { realClock, type Clock, type Timer } from '../core/clock.js';
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
   * CPU busy is measured from one reading to the next, over at least this long.
   * /proc/stat counts in 10 ms ticks, but idle time is kept to the nanosecond: a
   * window wholly inside a burst that loads every core reads 100 % exactly, while a
   * window that is only partly inside reads the part (a 200 ms window turned a
   * 150 ms burst into 77 %).
   */
  minBusyWindowMs: number;
  /**
   * A window whose busy rose this many points over the window before starts
   * follow-up readings `followUpMs` apart until one more window is complete: the
   * burst just began, and that window lies inside it if it lasts ≥ 100 ms
   * (the rising window ends < 1/hz after the start; the next is minBusyWindowMs long).
   */
  followUpRisePct: number;
  followUpMs: number;
  /** Follow-ups started per interval at most, so a machine that flickers costs little more. */
  maxFollowUpsPerInterval: number;
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
    minBusyWindowMs: 30,
    followUpRisePct: 20,
    followUpMs: 10,
    maxFollowUpsPerInterval: 8,
    minBurstGapMs: 120,
    maxBurstsPerInterval: 6,
  };
}

/** Where the watch stands when it considers a burst. */
export interface BurstState {
  memUsed: number;
  busy: number;
  /**
   * The reference a jump is measured from: the readings at the last process scan, or
   * the lowest since if they fell (memory freed after a scan: the next rise counts from there).
   */
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
 * and a few readings 10 ms apart right after CPU busy jumps,
 * parsed without allocating), keeps the lowest and highest memory used and CPU
 * busy of the current interval, and asks for a process scan when either jumps,
 * so a spike's culprit is seen while the spike is on. /proc/pressure is not
 * read here: its avg10 is already a 10 s average, polling it faster tells nothing.
 * Its timers and its windows' time come from `clock` (monotonic time), so a test
 * runs the polling, follow-ups and burst gaps on a clock it advances itself.
 */
export class FastWatch {
  private timer: Timer | null = null;
  // Reused each reading: at 15 Hz the watch should leave no garbage behind.
  private readonly reading: FastProbe = { memUsed: 0, busyTicks: 0, totalTicks: 0 };
  private readonly state: BurstState = { memUsed: 0, busy: 0, memAtScan: 0, busyAtScan: 0, msSinceScan: 0, burstsThisInterval: 0 };
  /** Cumulative CPU ticks and time at the start of the current busy window (NaN: none yet). */
  private anchorBusy = NaN;
  private anchorTotal = NaN;
  private anchorAt = NaN;
  /** Busy of the last completed window, for the follow-up trigger. */
  private lastWindowBusy = NaN;
  private followUp: Timer | null = null;
  // Made once: a follow-up reading allocates no closure of its own.
  private readonly followUpDue = (): void => {
    this.followUp = null;
    this.poll();
  };
  private readonly pollDue = (): void => this.poll();
  private following = false;
  private followUpsThisInterval = 0;
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
    private readonly clock: Clock = realClock,
  ) {
    this.lastScanAt = clock.monotonic();
  }

  /** Burst scans triggered since start. */
  get burstsTotal(): number {
    return this.burstCount;
  }

  /** How far memory used moved inside the current interval (Infinity before any reading). */
  get memorySwing(): number {
    return this.usedMax >= this.usedMin ? this.usedMax - this.usedMin : Infinity;
  }

  get running(): boolean {
    return this.timer !== null;
  }

  start(): void {
    if (this.timer) return;
    this.poll();
    // unref: the watch serves the sampler; it must never be what keeps the process alive.
    this.timer = this.clock.every(1000 / this.opts.hz, this.pollDue).unref();
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
    this.followUpsThisInterval = 0;
    this.markScan();
    return w;
  }

  close(): void {
    this.timer?.cancel();
    this.followUp?.cancel();
    this.timer = null;
    this.followUp = null;
  }

  /** Takes one reading now (the timer calls this; so can a caller that wants a reading at a known moment). */
  poll(): void {
    if (!this.probe(this.reading)) return;
    const r = this.reading;
    this.memUsed = r.memUsed;
    if (r.memUsed < this.usedMin) this.usedMin = r.memUsed;
    if (r.memUsed > this.usedMax) this.usedMax = r.memUsed;
    const at = this.clock.monotonic();
    if (this.measureBusy(r.busyTicks, r.totalTicks, at)) {
      if (this.busy < this.busyMin) this.busyMin = this.busy;
      if (this.busy > this.busyMax) this.busyMax = this.busy;
    }
    if (this.following && this.timer && !this.followUp) {
      this.followUp = this.clock.after(this.opts.followUpMs, this.followUpDue).unref();
    }
    // The references the next jumps are measured from: the first readings, then the lowest since the last scan.
    if (Number.isNaN(this.memAtScan) || this.memUsed < this.memAtScan) this.memAtScan = this.memUsed;
    if (Number.isNaN(this.busyAtScan) || this.busy < this.busyAtScan) this.busyAtScan = this.busy;
    const st = this.state;
    st.memUsed = this.memUsed;
    st.busy = this.busy;
    st.memAtScan = this.memAtScan;
    st.busyAtScan = this.busyAtScan;
    st.msSinceScan = at - this.lastScanAt;
    st.burstsThisInterval = this.bursts;
    if (!burstDue(st, this.opts)) return;
    this.bursts++;
    this.burstCount++;
    this.onBurst();
    this.markScan();
  }

  /**
   * Closes the busy window when it is long enough: sets `busy`, starts or ends
   * follow-ups, and starts the next window here. True when a new value was measured.
   */
  private measureBusy(busy: number, total: number, at: number): boolean {
    if (Number.isNaN(this.anchorAt)) {
      this.setAnchor(busy, total, at);
      return false;
    }
    if (at - this.anchorAt < this.opts.minBusyWindowMs) return false;
    const dTotal = total - this.anchorTotal;
    const dBusy = busy - this.anchorBusy;
    this.setAnchor(busy, total, at);
    // A counter going backwards (CPU hot-unplug) or no tick yet: no new busy value.
    if (!(dTotal > 0 && dBusy >= 0)) return false;
    const value = (dBusy / dTotal) * 100;
    const rose = value - this.lastWindowBusy >= this.opts.followUpRisePct;
    this.lastWindowBusy = value;
    this.busy = value;
    if (this.following) {
      this.following = false;
    } else if (rose && this.followUpsThisInterval < this.opts.maxFollowUpsPerInterval) {
      this.following = true;
      this.followUpsThisInterval++;
    }
    return true;
  }

  private setAnchor(busy: number, total: number, at: number): void {
    this.anchorBusy = busy;
    this.anchorTotal = total;
    this.anchorAt = at;
  }

  private markScan(): void {
    this.memAtScan = this.memUsed;
    this.busyAtScan = this.busy;
    this.lastScanAt = this.clock.monotonic();
  }
}
