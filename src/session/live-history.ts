import type { ProcessEvent } from '../analysis/process-events.js';
import type { UserTotal } from '../analysis/user-totals.js';
import { errorMessage } from '../core/errors.js';
import type { Sample } from '../core/sample.js';
import { MemoryTimeline } from '../store/memory-timeline.js';
import { SampleFacts } from './sample-facts.js';
import type { HubHistory } from './session-hub.js';

/**
 * What a live screen reads of its session: the in-memory timeline (past samples
 * encoded, keeping the processes worth remembering; the newest whole), and the
 * facts taken from each whole sample before it is slimmed (process starts and
 * exits, per-user totals), kept for as long as the timeline keeps the sample.
 */
export class LiveHistory implements HubHistory {
  private readonly timeline: MemoryTimeline;
  private readonly facts = new SampleFacts();
  private trouble = '';

  /** `capacity` samples, each past one keeping the top `keepTop` processes by CPU and by RSS. */
  constructor(capacity: number, keepTop: number) {
    this.timeline = new MemoryTimeline(capacity, { keepTop });
  }

  get length(): number {
    return this.timeline.length;
  }

  /** Why the facts of some sample are missing; '' while all is well. */
  get problem(): string {
    return this.trouble;
  }

  /** Takes a sample newer than the newest; false (nothing kept) for one that is not. Throws only if the timeline refuses it. */
  push(sample: Sample): boolean {
    if (!this.timeline.push(sample)) return false;
    try {
      this.facts.record(sample);
      this.facts.prune(this.timeline.timeAt(0) ?? sample.time);
    } catch (err) {
      this.trouble = `process events failed: ${errorMessage(err)}`;
    }
    return true;
  }

  at(index: number): Sample | undefined {
    return this.timeline.at(index);
  }

  timeAt(index: number): number | undefined {
    return this.timeline.timeAt(index);
  }

  slice(start: number, end: number): Sample[] {
    return this.timeline.slice(start, end);
  }

  indexAtTime(time: number): number {
    return this.timeline.indexAtTime(time);
  }

  /** Process starts and exits seen between the sample at `time` and the one before it. */
  eventsAt(time: number): readonly ProcessEvent[] {
    return this.facts.eventsAt(time);
  }

  /** Per-user totals over every process of the sample at `time`, while it is held. */
  usersAt(time: number): readonly UserTotal[] | undefined {
    return this.facts.usersAt(time);
  }
}
