import type { AlertView } from '../../analysis/alert-board.js';
import { formatClock, formatDuration } from '../../core/units.js';
import { ListPanel, type LineTone } from '../widgets/list-panel.js';
import { definePanel } from './panel.js';

export interface AlertLine {
  text: string;
  tone: LineTone;
}

/**
 * The alerts panel's lines: every rule with its state (a firing one with since
 * when, for how long at `now` and its value, on lines of their own so a narrow
 * panel keeps them), then the transitions (this session's, or a recording's up
 * to the cursor) and the alerting's own log lines, each newest first.
 */
export function alertLines(board: AlertView, now: number): AlertLine[] {
  const firing = new Map(board.firing.map((f) => [f.rule, f]));
  const lines: AlertLine[] = [];
  for (const rule of board.rules) {
    const f = firing.get(rule);
    if (!f) {
      lines.push({ text: `OK     ${rule}`, tone: null });
      continue;
    }
    lines.push({ text: `FIRING ${rule}`, tone: 'warning' });
    lines.push({ text: `  since ${formatClock(f.since)} for ${formatDuration(Math.max(0, now - f.since))}`, tone: 'warning' });
    lines.push({ text: `  ${f.value}`, tone: 'warning' });
  }
  const transitions = [...board.transitions].reverse();
  if (transitions.length > 0) lines.push({ text: '── fired / resolved', tone: 'muted' });
  for (const t of transitions) {
    lines.push(t.kind === 'fired' ? { text: `${formatClock(t.at)} fired    ${t.rule}  ${t.value}`, tone: 'warning' } : { text: `${formatClock(t.at)} resolved ${t.rule}`, tone: null });
  }
  const log = [...board.log].reverse();
  if (log.length > 0) lines.push({ text: '── log', tone: 'muted' });
  for (const l of log) lines.push({ text: `${formatClock(l.at)} ${l.text}`, tone: 'muted' });
  return lines;
}

/** Alert rules (--alert, or the connected agent's): which fire, since when, and what changed this session. */
export const alertsPanel = definePanel({
  id: 'alerts',
  title: 'Alerts',
  hints: { region: 'side', weight: 3, minWidth: 30, minHeight: 3 },
  toggle: {
    key: 'a',
    help: 'show / hide the alerts panel (rules firing or OK, what changed this session)',
    shownFrom: { cols: 80, rows: 24 },
    shownWith: (_newest, has) => has.alerts,
  },
  create: (screen, rect, color) => new ListPanel(screen, 'Alerts', rect, color),
  draw(w, f) {
    // At the cursor: a replay's alerts as they were then; live ones are as they are now, their durations to the newest sample.
    const board = f.alerts?.at(f.sample?.time ?? 0);
    const newest = f.timeline.length > 0 ? f.timeline.at(f.timeline.length - 1) : undefined;
    const now = board?.asOf ?? newest?.time ?? 0;
    const lines = board ? alertLines(board, now) : [];
    const firing = board?.firing.length ?? 0;
    w.update({
      title: firing > 0 ? `Alerts: ${firing} firing` : 'Alerts',
      lines: lines.map((l) => l.text),
      tone: (i) => lines[i]?.tone ?? null,
      selected: null,
      focused: false,
      empty: 'no alert rules here: tmon --alert RULE (or connect to an agent that has some)',
    });
  },
});
