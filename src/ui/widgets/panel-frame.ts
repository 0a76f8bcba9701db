import * as blessed from './blessed-parts.js';
import type { Widgets } from 'blessed';
import { errorMessage } from '../../core/errors.js';
import { sanitize } from '../../core/sanitize.js';
import { fitWidth } from '../../core/text-width.js';
import type { Rect } from '../layout.js';
import type { Theme } from '../theme.js';

/**
 * A bordered, titled box that one panel draws into, and the wall around it: an
 * error while computing or drawing the panel's content is caught and shown in
 * place of the content ("panel CPU failed: …"); the other panels keep going.
 */
export class PanelFrame {
  readonly box: Widgets.BoxElement;
  private readonly error: Widgets.BoxElement;
  private failed = false;
  /** How many guard() calls are running, and whether anything inside the outermost threw. */
  private depth = 0;
  private threw = false;
  private title = '';
  private focused = false;

  constructor(
    screen: Widgets.Screen,
    readonly name: string,
    rect: Rect,
    private readonly theme: Theme,
  ) {
    this.box = blessed.box({
      screen,
      ...rect,
      border: { type: 'line' },
      tags: false,
      style: { border: { ...theme.border }, label: { bold: true } },
    });
    screen.append(this.box);
    this.error = blessed.box({ screen, top: 0, left: 0, width: '100%-2', height: '100%-2', tags: false, hidden: true, style: { ...theme.panelError } });
    this.box.append(this.error);
    this.setTitle(name);
  }

  /** Inner size: what the content may use inside the border. */
  get innerWidth(): number {
    return Math.max(0, (this.box.width as number) - 2);
  }

  get innerHeight(): number {
    return Math.max(0, (this.box.height as number) - 2);
  }

  /** Room for a title on the top border. */
  get titleWidth(): number {
    return Math.max(0, this.innerWidth - 4 - (this.focused ? 2 : 0));
  }

  /** Titles carry host names from agents and the like: sanitised. */
  setTitle(title: string): void {
    const text = ` ${this.focused ? '▶ ' : ''}${fitWidth(sanitize(title), this.titleWidth)} `;
    if (text === this.title) return;
    this.title = text;
    this.box.setLabel(text);
  }

  setFocused(focused: boolean, title: string): void {
    this.focused = focused;
    (this.box.style as { border?: object }).border = { ...(focused ? this.theme.focusedBorder : this.theme.border) };
    this.setTitle(title);
  }

  /** Adds a content element, below the error box so an error always shows on top. */
  add<T extends Widgets.Node>(el: T): T {
    this.box.insertBefore(el, this.error);
    return el;
  }

  /**
   * Runs one update of the panel; a throw is reported in the panel instead of escaping.
   * Guards nest (the dashboard's around a panel's draw, the widget's around its update):
   * only an outermost update with no throw anywhere inside clears a shown error.
   */
  guard(update: () => void): void {
    const outermost = this.depth === 0;
    if (outermost) this.threw = false;
    this.depth++;
    try {
      update();
    } catch (err) {
      this.threw = true;
      this.fail(err);
    } finally {
      this.depth--;
    }
    if (outermost && !this.threw && this.failed) {
      this.failed = false;
      this.error.hide();
    }
  }

  /** Wraps an element's render so a throw while blessed draws it is contained too. */
  containRender(el: Widgets.BlessedElement): void {
    const render = el.render.bind(el);
    // A failed render draws nothing (blessed accepts that: hidden elements do the same).
    (el as { render: () => Widgets.Types.TPosition | Widgets.Coords | undefined }).render = () => {
      if (this.failed) return undefined;
      try {
        return render();
      } catch (err) {
        this.fail(err);
        return undefined;
      }
    };
  }

  private fail(err: unknown): void {
    this.failed = true;
    this.error.setContent(sanitize(`panel ${this.name} failed: ${errorMessage(err)}`));
    this.error.show();
  }

  destroy(): void {
    this.box.destroy();
  }
}
