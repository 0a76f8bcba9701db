import { errorMessage } from '../core/errors.js';
import type { Timeline } from '../core/timeline.js';
import { formatClock } from '../core/units.js';
import type { HistoryWindow } from '../session/session-view.js';
import type { StatusNote } from './status-note.js';

/** How a fetch ended: a window to swap in with the cursor on it, or the cursor back where it was with a message. */
export type WindowOutcome = { timeline: Timeline; cursor: number } | { timeline: null; cursor: number | null; message: string };

/**
 * A windowed replay's cursor: when a move takes it outside the loaded window,
 * fetches the window there ("loading…" meanwhile, keys still taken) and hands
 * the outcome over; an answer overtaken by a later move is dropped.
 */
export class WindowFollower {
  /** The time whose window is being fetched; `seekSeq` tells a stale answer from the wanted one. */
  private loadingTarget: number | null = null;
  private seekSeq = 0;
  /** Where the cursor was inside the window, to return to when loading fails. */
  private lastInside: number | null;

  constructor(
    private readonly window: HistoryWindow,
    cursor: number | null,
    private readonly note: StatusNote,
    private readonly settled: (outcome: WindowOutcome) => void,
  ) {
    this.lastInside = cursor;
  }

  /** After each move: a cursor outside `timeline` fetches the window there. */
  follow(timeline: Timeline, cursor: number | null): void {
    if (cursor === null) return;
    const first = timeline.at(0)?.time;
    const last = timeline.at(timeline.length - 1)?.time;
    if (first !== undefined && last !== undefined && cursor >= first && cursor <= last) {
      this.lastInside = cursor;
      // Moved back inside before the window came: that answer is no longer wanted.
      if (this.loadingTarget !== null) this.seekSeq++;
      this.stopLoading();
      return;
    }
    if (this.loadingTarget === cursor) return;
    const seq = ++this.seekSeq;
    const forward = last !== undefined && cursor > last;
    this.stopLoading();
    this.loadingTarget = cursor;
    this.note.set(loadingNote(cursor));
    this.window.seek(cursor).then(
      (tl) => this.settle(seq, tl, cursor, forward, `nothing stored around ${formatClock(cursor)}`),
      (err: unknown) => this.settle(seq, null, cursor, forward, `loading ${formatClock(cursor)} failed: ${errorMessage(err)}`),
    );
  }

  /** No answer is wanted any more (the dashboard ended). */
  stop(): void {
    this.seekSeq++;
  }

  private settle(seq: number, tl: Timeline | null, cursor: number, forward: boolean, message: string): void {
    if (seq !== this.seekSeq) return;
    this.stopLoading();
    if (tl && tl.length > 0) {
      this.lastInside = landOn(tl, cursor, forward);
      this.settled({ timeline: tl, cursor: this.lastInside });
    } else {
      this.settled({ timeline: null, cursor: this.lastInside, message });
    }
  }

  private stopLoading(): void {
    if (this.loadingTarget !== null) this.note.clearIf(loadingNote(this.loadingTarget));
    this.loadingTarget = null;
  }
}

function loadingNote(target: number): string {
  return `loading ${formatClock(target)}…`;
}

/** The sample to land on after a window loaded around `time`: the next one at or after it going forward, else the one at or before. */
function landOn(tl: Timeline, time: number, forward: boolean): number {
  const i = tl.indexAtTime(time);
  const at = tl.at(i)?.time;
  if (forward && at !== undefined && at < time) return tl.at(i + 1)?.time ?? at;
  return at ?? time;
}
