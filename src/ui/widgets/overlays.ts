import * as blessed from './blessed-parts.js';
import type { Widgets } from 'blessed';
import { errorMessage } from '../../core/errors.js';
import { sanitize } from '../../core/sanitize.js';
import { fitWidth, padWidth, wrapWords } from '../../core/text-width.js';
import { formatClock } from '../../core/units.js';
import type { Theme } from '../theme.js';
import { SIGNAL_CHOICES, type SignalTarget } from '../process-signal.js';
import { downsampleMax, fit, inspectorSummary, type InspectedHistory, type InspectedProcess } from '../view-model.js';
import { BrailleChart, niceMax } from './braille-chart.js';

function overlayBox(screen: Widgets.Screen, label: string, width: number, height: number, theme: Theme): Widgets.BoxElement {
  const box = blessed.box({
    screen,
    top: 'center',
    left: 'center',
    width,
    height,
    label: ` ${sanitize(label)} `,
    border: { type: 'line' },
    tags: false,
    style: { border: { ...theme.overlayBorder }, label: { bold: true } },
  });
  screen.append(box);
  box.setFront();
  return box;
}

/** `?`: every key and what it does (keys.ts `keyHelp`); ↑ ↓ scroll it when the screen is too short for all. */
export class HelpOverlay {
  readonly box: Widgets.BoxElement;
  private readonly lines: string[];
  private readonly visible: number;

  constructor(screen: Widgets.Screen, theme: Theme, help: readonly (readonly [string, string])[]) {
    const width = Math.min((screen.width as number) - 2, 96);
    this.lines = helpLines(help, width - 4);
    const height = Math.min((screen.height as number) - 1, this.lines.length + 2);
    this.visible = Math.max(1, height - 2);
    this.box = overlayBox(screen, this.maxTop > 0 ? 'Help — ↑↓ more · ? or Esc closes' : 'Help — ? or Esc closes', width, height, theme);
  }

  /** The furthest the help scrolls: 0 when every line fits. */
  get maxTop(): number {
    return Math.max(0, this.lines.length - this.visible);
  }

  show(top: number): void {
    const from = Math.min(Math.max(0, top), this.maxTop);
    this.box.setContent(this.lines.slice(from, from + this.visible).join('\n'));
  }
}

/** Width of the keys column of the help. */
const HELP_KEYS = 14;

/**
 * The help's lines, `width` wide: the keys, then what they do, wrapped under
 * itself where it does not fit (the overlay scrolls, so nothing is cut with …).
 */
export function helpLines(help: readonly (readonly [string, string])[], width: number): string[] {
  const room = Math.max(10, width - HELP_KEYS - 1);
  return help.flatMap(([keys, what]) => wrapWords(what, room).map((r, i) => fitWidth(`${(i === 0 ? keys : '').padEnd(HELP_KEYS)} ${r}`, width)));
}

/** `g` and `/`: a one-line prompt over the status bar. */
export function gotoPrompt(screen: Widgets.Screen, theme: Theme): Widgets.BoxElement {
  const box = blessed.box({ screen, bottom: 0, left: 0, width: '100%', height: 1, tags: false, style: { ...theme.prompt } });
  screen.append(box);
  box.setFront();
  return box;
}

/** One prompt over the status bar: what is typed so far, then what the keys do, fitted by display width. */
function promptLine(label: string, text: string, hint: string, width: number): string {
  return padWidth(sanitize(`${label}: ${text}█   ${hint}`), width);
}

export function gotoPromptText(text: string, width: number): string {
  return promptLine('go to time', text, 'Enter go · Esc cancel · e.g. 03:12, 2026-11-22 03:12:05, -2h, start, end', width);
}

/** `/`: the filter prompt; the table filters as the text is typed. */
export function filterPromptText(text: string, width: number): string {
  return promptLine('filter', text, 'Enter keep · Esc clear · matches name, command, user, pid', width);
}

/** F3: the search prompt; the selection jumps to the first match as the text is typed. */
export function searchPromptText(text: string, width: number): string {
  return promptLine('search', text, 'F3 or ↓ next · Enter/Esc close · matches name, command, user, pid', width);
}

/** k / F9: the signal prompt, a box in the middle of the screen (its lines: signalPromptLines). */
export function signalPrompt(screen: Widgets.Screen, theme: Theme): Widgets.BoxElement {
  const width = Math.min((screen.width as number) - 2, 76);
  return overlayBox(screen, 'Send a signal — Enter sends, Esc cancels', width, Math.min((screen.height as number) - 1, SIGNAL_CHOICES.length + 6), theme);
}

/** Which process, which signal (the chosen one marked), and what Enter does: a confirmation that names both. */
export function signalPromptLines(t: SignalTarget, choice: number, width: number): string[] {
  const chosen = SIGNAL_CHOICES[choice] ?? SIGNAL_CHOICES[0];
  const who = `${t.name}[${t.pid}]`;
  const lines = [
    `process ${who}  user ${t.user}`,
    t.cmd ? `command ${t.cmd}` : '',
    ...SIGNAL_CHOICES.map((c, i) => `${i === choice ? '▶' : ' '} SIG${c.name.padEnd(5)} ${c.what}`),
    `Enter sends SIG${chosen.name} to ${who} · ↑↓ another signal · Esc cancels`,
  ];
  return lines.filter(Boolean).map((l) => fitWidth(sanitize(l), width));
}

/**
 * Enter/i on a process: its CPU and RSS over the whole session or recording,
 * a summary above two line charts (downsampled by maximum, so a brief peak shows).
 */
export class Inspector {
  readonly box: Widgets.BoxElement;
  private readonly summary: Widgets.BoxElement;
  private readonly cpu: BrailleChart;
  private readonly rss: BrailleChart;
  private readonly cpuLabel: Widgets.BoxElement;
  private readonly rssLabel: Widgets.BoxElement;

  constructor(screen: Widgets.Screen, readonly process: InspectedProcess, theme: Theme) {
    const width = Math.max(40, Math.min((screen.width as number) - 4, 160));
    const height = Math.max(14, Math.min((screen.height as number) - 2, 44));
    this.box = overlayBox(screen, `Process ${process.name}[${process.pid}] — Esc closes`, width, height, theme);
    const inner = { w: width - 2, h: height - 2 };
    const summaryH = 5;
    this.summary = blessed.box({ screen, top: 0, left: 0, width: inner.w, height: summaryH, tags: false });
    this.box.append(this.summary);
    const side = inner.w >= 100;
    const chartW = side ? Math.floor(inner.w / 2) : inner.w;
    const chartH = side ? inner.h - summaryH : Math.floor((inner.h - summaryH) / 2);
    const titled = (title: string, top: number, left: number): [Widgets.BoxElement, BrailleChart] => {
      const label = blessed.box({ screen, top, left, width: chartW, height: 1, content: title, style: { bold: true } });
      this.box.append(label);
      // One column spare between side-by-side charts.
      const chart = new BrailleChart(screen, { top: top + 1, left, width: side ? chartW - 1 : chartW, height: chartH - 1 }, theme);
      this.box.append(chart.box);
      return [label, chart];
    };
    [this.cpuLabel, this.cpu] = titled('CPU % of one core', summaryH, 0);
    [this.rssLabel, this.rss] = side ? titled('RSS MiB', summaryH, chartW) : titled('RSS MiB', summaryH + chartH, 0);
  }

  update(h: InspectedHistory): void {
    try {
      const width = (this.summary.width as number) - 1;
      this.summary.setContent(inspectorSummary(this.process, h).map((l) => fit(sanitize(l), width)).join('\n'));
      const points = h.points;
      // One or two samples make no line: the summary above says all they hold.
      const brief = points.length < 3;
      this.cpuLabel.setContent(brief ? `CPU % of one core: too brief to chart (${points.length} sample${points.length === 1 ? '' : 's'})` : 'CPU % of one core');
      this.rssLabel.setContent(brief ? 'RSS MiB: see the peaks above' : 'RSS MiB');
      if (brief) {
        this.cpu.setData({ series: [], legend: false, cursorOffset: null });
        this.rss.setData({ series: [], legend: false, cursorOffset: null });
        return;
      }
      // Downsampling by maximum keeps each series' top, so the y labels (and the plot width) stay the same.
      const top = (y: number[]): number => niceMax([{ y }]);
      const capacity = Math.min(this.cpu.capacity(false, top(points.map((p) => p.cpu))), this.rss.capacity(false, top(points.map((p) => p.rss / 1048576))));
      const shown = downsampleMax(points, capacity);
      const x = shown.map((p) => formatClock(p.time));
      this.cpu.setData({ series: [{ title: 'cpu', x, y: shown.map((p) => p.cpu) }], legend: false, cursorOffset: null });
      this.rss.setData({ series: [{ title: 'rss', x, y: shown.map((p) => p.rss / 1048576) }], legend: false, cursorOffset: null });
    } catch (err) {
      this.summary.setContent(sanitize(`panel inspector failed: ${errorMessage(err)}`));
    }
  }

  destroy(): void {
    this.box.destroy();
  }
}
