import { errorMessage } from '../core/errors.js';
import type { StatusNote } from './status-note.js';

const HISTORY_LOADING = 'loading stored history…';

/**
 * `H`: asks the caller for stored history, one request at a time, with
 * "loading stored history…" in the status bar until it answers. `settled`
 * gets '' on success, else the rejection's message.
 */
export class StoredHistoryRequest {
  private loading = false;

  constructor(
    private readonly open: () => Promise<void> | void,
    private readonly note: StatusNote,
    private readonly settled: (problem: string) => void,
  ) {}

  start(): void {
    if (this.loading) return;
    this.loading = true;
    this.note.set(HISTORY_LOADING);
    const settle = (problem: string): void => {
      this.loading = false;
      this.note.clearIf(HISTORY_LOADING);
      this.settled(problem);
    };
    Promise.resolve()
      .then(() => this.open())
      .then(
        () => settle(''),
        (err: unknown) => settle(errorMessage(err)),
      );
  }
}
