import type { HostFacts, Sample } from '../core/sample.js';
import type { Spike } from '../core/spike.js';
import type { AlertEvent } from '../core/alert-event.js';
import { formatBytes } from '../core/units.js';
import { RecordingWriter } from '../store/recording-writer.js';

/** Where samples and their spikes are written: one file, or an agent's rolling store. */
export interface RecordingSink {
  append(sample: Sample): void;
  addSpike(spike: Spike): void;
  addEvent(event: AlertEvent): void;
  close(): Promise<void>;
}

/**
 * Records every sample and, beside them, the spikes the session's detector
 * finds in the same stream (a SessionHub subscriber gets both), so a replay
 * opens on its spike index without decoding samples.
 */
export class SampleRecorder {
  private closed = false;

  constructor(
    private readonly sink: RecordingSink,
    private readonly describe: () => string,
  ) {}

  /** A sample, and the spikes it opened, grew or closed: the closed ones are stored. */
  push(sample: Sample, changed: readonly Spike[]): void {
    if (this.closed) return;
    this.sink.append(sample);
    for (const spike of changed) {
      if (spike.end !== null) this.sink.addSpike(spike);
    }
  }

  /** An alert rule started firing or resolved (call after pushing the sample that decided it). */
  addEvent(event: AlertEvent): void {
    if (this.closed) return;
    this.sink.addEvent(event);
  }

  /** For the status bar: what is being recorded, or why it is paused. */
  status(): string {
    return this.describe();
  }

  /** Stores `ended` (the spikes the end of the stream closed: SessionHub.finishSpikes), then closes the sink. Idempotent. */
  async close(ended: readonly Spike[]): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    for (const spike of ended) this.sink.addSpike(spike);
    await this.sink.close();
  }
}

/**
 * A recorder into one file. Opening throws a UserError (bad path, a foreign
 * file, another host's recording) so the command ends before any screen opens;
 * a failure later (a full disk) pauses recording, shows on the status line and
 * goes to `onError`, while sampling goes on.
 */
export function openFileRecorder(
  path: string,
  header: { host: HostFacts; intervalMs: number },
  onError: (message: string) => void = () => undefined,
): SampleRecorder {
  let failure: string | undefined;
  const writer = RecordingWriter.createSync(path, header, {
    onError: (err) => {
      failure = `recording paused: ${err.message}`;
      onError(failure);
    },
    onResume: () => (failure = undefined),
  });
  return new SampleRecorder(writer, () => failure ?? `rec ${path} ${formatBytes(writer.bytes)}`);
}
