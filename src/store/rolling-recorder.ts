import { lstatSync, mkdirSync, readdirSync, unlinkSync } from 'node:fs';
import { basename, join } from 'node:path';
import type { HostFacts, Sample } from '../core/sample.js';
import type { Spike } from '../core/spike.js';
import type { AlertEvent } from '../core/alert-event.js';
import { UserError, errorMessage } from '../core/errors.js';
import { sanitize } from '../core/sanitize.js';
import { FileTakenError, RecordingWriter, type WriteFn } from './recording-writer.js';
import { periodFileName, planDeletions, type RotateEvery } from './retention.js';

export interface RollingOptions {
  dir: string;
  /** Keep files whose period ended less than this long ago. */
  retainMs: number;
  /** Keep the rolling files together under this many bytes (the file being written excepted). */
  maxBytes: number;
  rotate: RotateEvery;
  host: HostFacts;
  intervalMs: number;
  /** Once when recording starts failing (a full disk), again only after it recovered; never throws into the loop. */
  onError?: (err: Error) => void;
  /** When recording works again after a failure. */
  onResume?: () => void;
  keyframeEvery?: number;
  /** The file-system write, replaceable so tests can simulate a full disk. */
  write?: WriteFn;
  /** Samples between retention checks inside one period (default 60). */
  pruneEvery?: number;
}

const MAX_NAME_ATTEMPTS = 9;

/**
 * `tmon agent --store DIR --retain 7d --max-size 1GB`: records into one file
 * per UTC hour or day (by sample time), and after each switch (and every
 * minute or so) deletes the oldest files past the retention or over the size,
 * never the file being written. Restarted within a period, it continues that
 * period's file. A full disk is reported once; samples are dropped until
 * writing works again, then recording resumes with a keyframe.
 */
export class RollingRecorder {
  private writer: RecordingWriter | undefined;
  private writerPeriod: string | undefined;
  private failing = false;
  private pruneFailing = false;
  private sincePrune = 0;
  private readonly onError: (err: Error) => void;

  constructor(private readonly opts: RollingOptions) {
    try {
      mkdirSync(opts.dir, { recursive: true });
    } catch (err) {
      throw new UserError(`cannot create the store directory ${opts.dir}: ${errorMessage(err)}`);
    }
    this.onError = opts.onError ?? ((err) => process.stderr.write(`tmon: ${sanitize(`recording to ${opts.dir} failed: ${err.message}`)}\n`));
  }

  /** The path of the file being written, if one is open. */
  get currentFile(): string | undefined {
    return this.writer?.path;
  }

  append(sample: Sample): void {
    const period = periodFileName(sample.time, this.opts.rotate);
    if (period !== this.writerPeriod || !this.writer) {
      this.writer?.closeSync();
      this.writer = undefined;
      this.writerPeriod = undefined;
      this.open(period, sample.time);
      if (this.writer) this.prune(sample.time);
    }
    this.writer?.append(sample);
    if (++this.sincePrune >= (this.opts.pruneEvery ?? 60)) this.prune(sample.time);
  }

  addSpike(spike: Spike): void {
    this.writer?.addSpike(spike);
  }

  /** An alert's transition goes to the file of the sample that decided it. */
  addEvent(event: AlertEvent): void {
    this.writer?.addEvent(event);
  }

  async close(): Promise<void> {
    this.writer?.closeSync();
    this.writer = undefined;
  }

  private open(period: string, time: number): void {
    for (let attempt = 1; attempt <= MAX_NAME_ATTEMPTS; attempt++) {
      const path = join(this.opts.dir, periodFileName(time, this.opts.rotate, attempt));
      try {
        this.writer = RecordingWriter.createSync(
          path,
          { host: this.opts.host, intervalMs: this.opts.intervalMs },
          {
            onError: (err) => this.fail(err),
            onResume: () => this.resume(),
            ...(this.opts.keyframeEvery !== undefined ? { keyframeEvery: this.opts.keyframeEvery } : {}),
            ...(this.opts.write ? { write: this.opts.write } : {}),
          },
        );
        this.writerPeriod = period;
        this.resume();
        return;
      } catch (err) {
        // The name is taken by a file this host cannot continue (another host's, or not a recording): try the next.
        if (err instanceof FileTakenError) continue;
        this.fail(err instanceof Error ? err : new Error(String(err)));
        return;
      }
    }
    this.fail(new Error(`no free file name for ${period} in ${this.opts.dir}`));
  }

  private prune(now: number): void {
    this.sincePrune = 0;
    const current = this.writer ? basename(this.writer.path) : undefined;
    try {
      const files = readdirSync(this.opts.dir).flatMap((name) => {
        try {
          const st = lstatSync(join(this.opts.dir, name));
          return st.isFile() ? [{ name, bytes: st.size }] : [];
        } catch {
          return [];
        }
      });
      for (const name of planDeletions(files, { retainMs: this.opts.retainMs, maxBytes: this.opts.maxBytes }, now, current)) {
        unlinkSync(join(this.opts.dir, name));
      }
      this.pruneFailing = false;
    } catch (err) {
      if (!this.pruneFailing) this.onError(new Error(`cannot delete old recordings in ${this.opts.dir}: ${errorMessage(err)}`));
      this.pruneFailing = true;
    }
  }

  private fail(err: Error): void {
    if (this.failing) return;
    this.failing = true;
    this.onError(err);
  }

  private resume(): void {
    if (!this.failing) return;
    this.failing = false;
    this.opts.onResume?.();
  }
}
