/**
 * The dashboard's own note in the status bar ("loading 03:12:05…", "drawing
 * failed: …"). Whoever set a note clears it only while it is still theirs, so
 * a later note is never wiped by an earlier one's end.
 */
export class StatusNote {
  text = '';

  set(text: string): void {
    this.text = text;
  }

  /** Clears the note if it still says `text`. */
  clearIf(text: string): void {
    if (this.text === text) this.text = '';
  }
}
