import * as blessed from './blessed-parts.js';
import type { Widgets } from 'blessed';
import { sanitize } from '../../core/sanitize.js';
import type { Rect } from '../layout.js';
import { padWidth } from '../../core/text-width.js';
import { scrollOffset } from '../view-model.js';
import type { Theme, Tone } from '../theme.js';
import { PanelFrame } from './panel-frame.js';

export type LineTone = Tone | null;

export interface ListUpdate {
  title: string;
  /** A fixed first line (column titles), not scrolled. */
  header?: string;
  /** An array, or lines made only when shown (a table of a thousand processes shows a few dozen). */
  lines: { readonly length: number; at(index: number): string | undefined };
  /** Index of the selected line; null for a list without selection. */
  selected: number | null;
  focused: boolean;
  tone?: (index: number) => LineTone;
  /** Shown when there are no lines. */
  empty?: string;
  /** Lines opened up under the selected one while the list is focused (what its own line had to cut). */
  detail?: readonly string[];
}

/**
 * Lines in a panel with an optional header and a selected line kept in view.
 * Content is sanitised (a process name may hold ESC or a newline: shown as `?`,
 * so it can neither act on the terminal nor forge a line) and escaped (it may
 * hold `{`), selection drawn with inverse video so it shows without colour too.
 * Wheel and clicks are reported to the caller.
 */
export class ListPanel {
  readonly frame: PanelFrame;
  private readonly body: Widgets.BoxElement;
  private offset = 0;
  /** The selection at the last update: how far it moved says how far the view follows. */
  private lastSelected = 0;
  private lastContent = '';
  /** 1 while a header line sits above the scrolled lines. */
  private headerRows = 0;
  /** Where the opened-up detail sits among the drawn rows, so a click below it still finds its line. */
  private detailRows = { after: -1, count: 0 };

  constructor(
    screen: Widgets.Screen,
    name: string,
    rect: Rect,
    private readonly theme: Theme,
    handlers: { wheel?: (dir: 1 | -1) => void; click?: (line: number) => void } = {},
  ) {
    this.frame = new PanelFrame(screen, name, rect, theme);
    this.body = this.frame.add(blessed.box({ screen, top: 0, left: 0, width: '100%-2', height: '100%-2', tags: true, wrap: false, mouse: true }));
    this.frame.containRender(this.body);
    if (handlers.wheel) {
      const wheel = handlers.wheel;
      this.body.on('wheeldown', () => wheel(1));
      this.body.on('wheelup', () => wheel(-1));
    }
    if (handlers.click) {
      const click = handlers.click;
      this.body.on('click', (data: { y: number }) => {
        let row = data.y - (this.body.atop as number) - (this.headerRows ? 1 : 0);
        const d = this.detailRows;
        if (d.count > 0 && row > d.after) row = Math.max(d.after, row - d.count);
        if (row >= 0) click(this.offset + row);
      });
    }
  }

  /** Lines that fit below the header. */
  get visibleLines(): number {
    return Math.max(1, this.frame.innerHeight - this.headerRows);
  }

  update(u: ListUpdate): void {
    this.frame.guard(() => {
      this.frame.setFocused(u.focused, u.title);
      this.headerRows = u.header === undefined ? 0 : 1;
      const width = this.frame.innerWidth;
      const visible = this.visibleLines;
      const selected = u.selected ?? 0;
      // The detail takes rows under the selection (never all of them): the selection stays in view above it.
      const detail = u.focused && u.selected !== null && u.detail ? u.detail.slice(0, Math.max(0, visible - 1)) : [];
      this.offset = scrollOffset(this.offset, selected, visible - detail.length, u.lines.length, this.lastSelected);
      this.lastSelected = selected;
      this.detailRows = { after: detail.length ? selected - this.offset : -1, count: detail.length };
      const out: string[] = [];
      // Cut and padded by terminal columns: a wide name must not push the border.
      const shown = (line: string): string => blessed.escape(padWidth(sanitize(line), width));
      if (u.header !== undefined) out.push(`{bold}${shown(u.header)}{/bold}`);
      if (u.lines.length === 0 && u.empty) out.push(shown(u.empty));
      const end = Math.min(u.lines.length, this.offset + visible - detail.length);
      for (let i = this.offset; i < end; i++) {
        let text = shown(u.lines.at(i) ?? '');
        const tone = u.tone?.(i) ?? null;
        const toneColor = tone ? this.theme.tones[tone] : undefined;
        if (toneColor) text = `{${toneColor}-fg}${text}{/${toneColor}-fg}`;
        if (u.selected === i) text = u.focused ? `{inverse}${text}{/inverse}` : `{underline}${text}{/underline}`;
        out.push(text);
        if (u.selected === i) for (const line of detail) out.push(shown(line));
      }
      const content = out.join('\n');
      if (content !== this.lastContent) {
        this.lastContent = content;
        this.body.setContent(content);
      }
    });
  }

  destroy(): void {
    this.frame.destroy();
  }
}
