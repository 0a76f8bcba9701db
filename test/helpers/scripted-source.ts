import type { Sample } from '../../src/core/sample.js';
import type { SampleSource } from '../../src/core/source.js';

export interface ScriptedStep {
  sample: Sample;
  /** Wait this long before yielding the sample. */
  delayMs?: number;
}

/**
 * A SampleSource that yields the samples it was given, then whatever is pushed
 * later, until end() or close(). An input for the code under test, not a stand-in
 * for it: tests decide exactly which samples arrive and when.
 */
export class ScriptedSource implements SampleSource {
  readonly label: string;
  readonly kind: 'live' | 'remote' | 'replay';
  private readonly queue: ScriptedStep[] = [];
  private wake: (() => void) | undefined;
  private ended = false;
  private closed = false;
  /** How many samples have been handed to the consumer. */
  delivered = 0;

  constructor(steps: readonly (Sample | ScriptedStep)[] = [], opts: { label?: string; kind?: 'live' | 'remote' | 'replay'; delayMs?: number } = {}) {
    this.label = opts.label ?? 'scripted';
    this.kind = opts.kind ?? 'live';
    for (const s of steps) this.queue.push('sample' in s ? s : { sample: s, ...(opts.delayMs !== undefined ? { delayMs: opts.delayMs } : {}) });
  }

  /** Adds a sample to yield after the ones already queued. */
  push(sample: Sample, delayMs?: number): void {
    this.queue.push({ sample, ...(delayMs !== undefined ? { delayMs } : {}) });
    this.wake?.();
  }

  /** No more samples: iteration finishes once the queue is drained. */
  end(): void {
    this.ended = true;
    this.wake?.();
  }

  async *samples(): AsyncIterable<Sample> {
    while (!this.closed) {
      const step = this.queue.shift();
      if (step === undefined) {
        if (this.ended) return;
        await new Promise<void>((resolve) => (this.wake = resolve));
        this.wake = undefined;
        continue;
      }
      if (step.delayMs) await new Promise((resolve) => setTimeout(resolve, step.delayMs));
      if (this.closed) return;
      this.delivered++;
      yield step.sample;
    }
  }

  async close(): Promise<void> {
    this.closed = true;
    this.wake?.();
  }
}
