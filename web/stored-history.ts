import { errorMessage } from '../src/core/errors.js';
import type { Sample } from '../src/core/sample.js';
import { formatClock, formatDay } from '../src/core/units.js';
import { ARCHIVE_MAX_SAMPLES, HISTORY_END, type ArchiveExtent } from '../src/protocol/wire-messages.js';
import type { AgentLink } from './connection.js';
import type { PageData, StoredWindow } from './page-data.js';

/**
 * ±5 minutes around a moment, as `tmon connect`'s H loads (src/commands/remote-archive.ts):
 * ~0.6 s of the agent's CPU on a 300-process machine. Narrowed (never below ±1 minute)
 * when a reply stops at the agent's per-request limit before the moment.
 */
const HALF_WINDOW_MS = 5 * 60_000;
const MIN_HALF_WINDOW_MS = 60_000;

/** "2026-11-22 03:05:00": stored history is often another day. */
export function stamp(ms: number): string {
  return `${formatDay(ms)} ${formatClock(ms)}`;
}

/**
 * The agent's store (`tmon agent --store DIR`) in the page: its spike index once per
 * link, and the window of stored samples around the cursor when the cursor goes older
 * than the live samples. One request at a time: moves made while one loads are
 * served by one more request, for where the cursor is then, never one per keypress.
 */
export class StoredHistory {
  private link: AgentLink | undefined;
  private extent: ArchiveExtent | null = null;
  private loading = false;

  constructor(
    private readonly data: PageData,
    /** What to tell about the store now (the page shows it in #store); called after each change. */
    private readonly tell: (text: string) => void,
  ) {}

  /** A new link's hello: whether the agent keeps a store, and its spike index. */
  connected(link: AgentLink, extent: ArchiveExtent | null): void {
    this.link = link;
    this.extent = extent;
    this.data.storeKept = extent !== null;
    if (extent === null) {
      this.tell('no stored history: the agent runs without --store, so the page holds what it received (up to 2 h)');
      return;
    }
    this.tell(this.summary());
    link.spikes(0, HISTORY_END).then(
      (reply) => {
        this.extent = reply.archive ?? this.extent;
        this.data.storedSpikes = reply.spikes;
        this.tell(reply.problem !== undefined ? `the agent cannot read its stored history: ${reply.problem}` : this.summary());
      },
      (err: unknown) => this.tell(`stored spikes not loaded: ${errorMessage(err)}`),
    );
  }

  /**
   * After the cursor moved (from `before`): loads the stored window it now needs, if any.
   * A moment with nothing stored puts the cursor back and says so.
   */
  follow(before: number | null): void {
    const link = this.link;
    if (this.loading || !link || !this.data.needsStored()) return;
    const target = this.data.cursor as number;
    this.loading = true;
    this.tell(`loading stored history around ${stamp(target)}…`);
    void this.load(link, target)
      .then((window) => {
        if (window.samples.length > 0) {
          this.data.window = window;
          this.tell(this.summary());
        } else {
          if (this.data.cursor === target) this.data.cursor = before;
          this.tell(`nothing stored around ${stamp(target)}`);
        }
      })
      .catch((err: unknown) => {
        if (this.data.cursor === target) this.data.cursor = before;
        this.tell(`stored history not loaded: ${errorMessage(err)}`);
      })
      .finally(() => {
        this.loading = false;
        // The cursor may have moved on meanwhile: one more request, for where it is now.
        if (this.data.cursor !== target) this.follow(before);
      });
  }

  private async load(link: AgentLink, time: number): Promise<StoredWindow> {
    const max = this.extent?.maxSamples ?? ARCHIVE_MAX_SAMPLES;
    let half = HALF_WINDOW_MS;
    for (;;) {
      const from = Math.max(0, time - half);
      const samples: Sample[] = await link.history(from, time + half);
      const last = samples[samples.length - 1]?.time ?? Infinity;
      if (samples.length >= max && last < time && half > MIN_HALF_WINDOW_MS) {
        half = Math.max(MIN_HALF_WINDOW_MS, half / 4);
        continue;
      }
      return { from, to: samples.length >= max ? last : time + half, samples };
    }
  }

  private summary(): string {
    const e = this.extent;
    if (!e || e.oldest === null) return 'stored history: none yet';
    return `stored since ${stamp(e.oldest)} · ${this.data.storedSpikes.length} stored spikes`;
  }
}
