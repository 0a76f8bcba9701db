import { SpikeDetector } from '../analysis/spike-detector.js';
import type { ThresholdOverrides } from '../analysis/thresholds.js';
import type { HostFacts, Sample } from '../core/sample.js';
import type { Spike } from '../core/spike.js';
import { formatBytes } from '../core/units.js';
import { RecordingWriter } from '../store/recording-writer.js';

/** Where samples and their spikes are written: one file, or an agent's rolling store. */
export interface RecordingSink {
  append(sample: Sample): void;
  addSpike(spike: Spike): void;
  close(): Promise<void>;
}

/**
 * Records every sample and, beside them, the spikes a detector finds in the
 * same stream, so a replay opens on its spike index without decoding samples.
 */
export class SampleRecorder {
  private readonly detector: SpikeDetector;
  private closed = false;

  constructor(
    private readonly sink: RecordingSink,
    thresholds: ThresholdOverrides,
    private readonly describe: () => string,
  ) {
    this.detector = new SpikeDetector(thresholds);
  }

  push(sample: Sample): void {
    if (this.closed) return;
    this.sink.append(sample);
    for (const spike of this.detector.push(sample)) {
      if (spike.end !== null) this.sink.addSpike(spike);
    }
  }

  /** For the status bar: what is being recorded, or why it is paused. */
  status(): string {
    return this.describe();
  }

  /** Spikes still open at the end are stored as they stand (end null), not lost. Idempotent. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    for (const spike of this.detector.spikes()) if (spike.end === null) this.sink.addSpike(spike);
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
  thresholds: ThresholdOverrides,
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
  return new SampleRecorder(writer, thresholds, () => failure ?? `rec ${path} ${formatBytes(writer.bytes)}`);
}
