import * as blessed from './blessed-parts.js';
import type { Widgets } from 'blessed';
import { sanitize } from '../../core/sanitize.js';
import { padWidth } from '../../core/text-width.js';
import type { Rect } from '../layout.js';
import type { Theme } from '../theme.js';

/** The bottom line: host, uptime, mode, interval, caller's note, key hints; sanitised (host names and messages come from agents and files). */
export class StatusBar {
  private readonly box: Widgets.BoxElement;
  private last = '';

  constructor(screen: Widgets.Screen, rect: Rect, theme: Theme) {
    this.box = blessed.box({ screen, ...rect, tags: false, style: { ...theme.statusBar } });
    screen.append(this.box);
  }

  get width(): number {
    return this.box.width as number;
  }

  update(text: string): void {
    // Cut and padded by terminal columns: a wide host name must not run past the edge.
    const line = padWidth(sanitize(text), this.width);
    if (line === this.last) return;
    this.last = line;
    this.box.setContent(line);
  }

  destroy(): void {
    this.box.destroy();
  }
}
