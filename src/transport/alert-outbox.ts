import { readFileSync, statSync } from 'node:fs';
import { rename, writeFile } from 'node:fs/promises';
import { realClock, type Clock, type Timer } from '../core/clock.js';
import { errorMessage } from '../core/errors.js';
import { isRecord } from '../protocol/wire-decode.js';
import { RefusedError, type OutgoingMessage } from './alert-targets.js';

/** A firing rule the recipients were told about, kept across restarts (analysis/alert-state.ts ToldFiring). */
export interface ToldRecord {
  rule: string;
  since: number;
  lastSent: number;
}

interface Entry {
  /** The target's key (never its URL: that may hold a password). */
  target: string;
  message: OutgoingMessage;
  attempts: number;
  nextAt: number;
}

interface StateFile {
  version: 1;
  told: ToldRecord[];
  pending: Entry[];
}

export interface OutboxOptions {
  /** Target key → how to send to it; entries for keys not here (a target no longer given) are dropped. */
  targets: ReadonlyMap<string, { label: string; send: (m: OutgoingMessage) => Promise<void> }>;
  /** The state file; none: nothing survives a restart. */
  file?: string;
  /** What to keep of the alert states with the queue. */
  told: () => ToldRecord[];
  log: (line: string) => void;
  clock?: Clock;
  /** Messages kept waiting at most (the oldest go first). */
  maxEntries?: number;
  /** First retry delay, doubled each failure up to maxBackoffMs. */
  backoffMs?: number;
  maxBackoffMs?: number;
}

const STATE_VERSION = 1;
const MAX_FILE_BYTES = 4 * 1024 * 1024;
/** Numbers each outbox's temporary file, so two outboxes on one state file never write into one tmp. */
let outboxes = 0;

/**
 * Notifications waiting to be sent, off the sampling path: enqueue() only
 * appends and returns; sending runs on timers, one message at a time, each
 * target's messages in order, a failure retried with doubling backoff. The
 * queue and the told states are written to a small file (tmp + rename) after
 * every change, so a restart neither loses a message nor repeats a firing
 * alert.
 */
export class AlertOutbox {
  private entries: Entry[] = [];
  private readonly clock: Clock;
  private readonly maxEntries: number;
  private sending = false;
  private inFlight: Promise<void> | undefined;
  private timer: Timer | undefined;
  private closed = false;
  private saving: Promise<void> | undefined;
  private dirty = false;
  private dropped = 0;
  /**
   * Two dashboards on one machine keep one default state file: each writes its own tmp
   * (this process, this outbox) before the rename, so neither renames the other's half-written file.
   */
  private readonly tmpSuffix = `.${process.pid}-${++outboxes}.tmp`;

  constructor(private readonly opts: OutboxOptions) {
    this.clock = opts.clock ?? realClock;
    this.maxEntries = opts.maxEntries ?? 200;
  }

  /** Reads the state file: returns the told states; the queue it held is sent again. A bad file costs itself only. */
  load(): ToldRecord[] {
    const file = this.opts.file;
    if (file === undefined) return [];
    let state: StateFile;
    try {
      if (statSync(file).size > MAX_FILE_BYTES) throw new Error(`larger than ${MAX_FILE_BYTES} bytes`);
      state = parseState(readFileSync(file, 'utf8'));
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') this.opts.log(`alert state ${file} could not be read (${errorMessage(err)}); starting afresh`);
      return [];
    }
    this.entries = state.pending.filter((e) => this.opts.targets.has(e.target)).slice(-this.maxEntries);
    if (this.entries.length > 0) this.opts.log(`${this.entries.length} alert notification(s) from before the restart still to send`);
    this.schedule(0);
    return state.told;
  }

  /** Queues `message` for every target and returns at once. */
  enqueue(message: OutgoingMessage): void {
    if (this.closed) return;
    const now = this.clock.now();
    for (const target of this.opts.targets.keys()) this.entries.push({ target, message, attempts: 0, nextAt: now });
    const over = this.entries.length - this.maxEntries;
    if (over > 0) {
      this.entries.splice(0, over);
      this.dropped += over;
      this.opts.log(`alert queue full: ${this.dropped} oldest notification(s) dropped so far`);
    }
    this.save();
    this.schedule(0);
  }

  /** The told states changed without a message (a rule resolved in quiet hours): keep them. */
  save(): void {
    if (this.opts.file === undefined) return;
    this.dirty = true;
    this.saving ??= this.writeLoop(this.opts.file).finally(() => (this.saving = undefined));
  }

  /** Messages still waiting. */
  get pending(): number {
    return this.entries.length;
  }

  /** Messages that failed at least once and wait for another try. */
  get failing(): number {
    return this.entries.filter((e) => e.attempts > 0).length;
  }

  /** Stops sending; resolves once a send under way has ended and the file holds the last state. */
  async close(): Promise<void> {
    this.closed = true;
    this.timer?.cancel();
    await this.inFlight;
    this.save();
    await this.saving;
  }

  private async writeLoop(file: string): Promise<void> {
    while (this.dirty) {
      this.dirty = false;
      const state: StateFile = { version: STATE_VERSION, told: this.opts.told(), pending: this.entries };
      const tmp = `${file}${this.tmpSuffix}`;
      try {
        await writeFile(tmp, JSON.stringify(state), { mode: 0o600 });
        await rename(tmp, file);
      } catch (err) {
        this.opts.log(`alert state ${file} could not be written: ${errorMessage(err)}`);
      }
    }
  }

  private schedule(delayMs: number): void {
    if (this.closed) return;
    this.timer?.cancel();
    this.timer = this.clock.after(Math.max(0, delayMs), () => void this.pump()).unref();
  }

  /** The first waiting message of each target, in queue order: only these may be sent. */
  private heads(): Entry[] {
    const heads = new Map<string, Entry>();
    for (const e of this.entries) if (!heads.has(e.target)) heads.set(e.target, e);
    return [...heads.values()];
  }

  /** Sends the next due message, then waits for the next one to fall due. */
  private async pump(): Promise<void> {
    if (this.sending || this.closed) return;
    const due = this.heads().find((e) => e.nextAt <= this.clock.now());
    if (due) {
      this.inFlight = this.send(due);
      await this.inFlight;
    }
    const next = Math.min(...this.heads().map((e) => e.nextAt));
    if (Number.isFinite(next)) this.schedule(next - this.clock.now());
  }

  private async send(entry: Entry): Promise<void> {
    const target = this.opts.targets.get(entry.target);
    this.sending = true;
    try {
      if (target) await target.send(entry.message);
      this.entries = this.entries.filter((e) => e !== entry);
      if (entry.attempts > 0 && target) this.opts.log(`alert notification sent to ${target.label} after ${entry.attempts} failed attempt(s)`);
    } catch (err) {
      if (err instanceof RefusedError) {
        this.entries = this.entries.filter((e) => e !== entry);
        this.opts.log(`alert notification to ${target?.label ?? entry.target} refused (${errorMessage(err)}); dropped, as a retry would be refused too`);
      } else {
        entry.attempts++;
        const backoff = Math.min(this.opts.maxBackoffMs ?? 300_000, (this.opts.backoffMs ?? 1000) * 2 ** (entry.attempts - 1));
        entry.nextAt = this.clock.now() + backoff;
        this.opts.log(`alert notification to ${target?.label ?? entry.target} failed (${errorMessage(err)}); retrying in ${Math.round(backoff / 1000)} s`);
      }
    } finally {
      this.sending = false;
    }
    this.save();
  }
}


/** The state file, checked field by field: anything unexpected makes it unreadable. */
function parseState(text: string): StateFile {
  const v: unknown = JSON.parse(text);
  if (!isRecord(v) || v['version'] !== STATE_VERSION || !Array.isArray(v['told']) || !Array.isArray(v['pending'])) throw new Error('not a tmon alert state');
  const told = v['told'].filter(
    (t): t is ToldRecord => isRecord(t) && typeof t['rule'] === 'string' && typeof t['since'] === 'number' && typeof t['lastSent'] === 'number',
  );
  const pending = v['pending'].filter((e): e is Entry => isRecord(e) && typeof e['target'] === 'string' && isMessage(e['message']) && typeof e['attempts'] === 'number');
  // Sent again at once after a restart: the server may be back.
  return { version: STATE_VERSION, told, pending: pending.map((e) => ({ ...e, nextAt: 0 })) };
}

function isMessage(m: unknown): m is OutgoingMessage {
  return (
    isRecord(m) &&
    typeof m['subject'] === 'string' &&
    typeof m['text'] === 'string' &&
    isRecord(m['json']) &&
    isRecord(m['env']) &&
    // Only tmon's own variables: a crafted file must not hand an exec: program LD_PRELOAD or PATH.
    Object.entries(m['env']).every(([k, x]) => /^TMON_ALERT_[A-Z_]+$/.test(k) && typeof x === 'string' && !x.includes('\0'))
  );
}
