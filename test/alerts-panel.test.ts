import { afterEach, describe, expect, it } from 'vitest';
import { AlertBoard } from '../src/analysis/alert-board.js';
import { recordedAlerts } from '../src/analysis/alert-history.js';
import { parseRule } from '../src/analysis/alert-rules.js';
import { DEFAULT_NO_READING_MS, DEFAULT_REPEAT_MS } from '../src/analysis/alert-state.js';
import { alertStatus, startBoardAlerting } from '../src/commands/alerting.js';
import type { AlertEvent } from '../src/core/alert-event.js';
import type { Sample } from '../src/core/sample.js';
import { SampleHistory } from '../src/core/sample-history.js';
import { formatClock } from '../src/core/units.js';
import { liveHub, liveView, replayView } from '../src/session/session-view.js';
import { HeadlessDashboard } from './helpers/headless-dashboard.js';
import { KEY } from './helpers/headless-terminal.js';
import { makeProcess, makeSample } from './helpers/make-sample.js';
import { ScriptedSource } from './helpers/scripted-source.js';

/**
 * The alerts panel in the real dashboard, fed by the local dashboard's own
 * alerting (the rules evaluated on the samples the test sends): the rules'
 * states, the transitions of the session and the alerting's log lines.
 */
const ui = new HeadlessDashboard();
const closing: (() => Promise<void>)[] = [];
afterEach(async () => {
  await ui.close();
  for (const c of closing.splice(0)) await c();
});

const T0 = new Date(2026, 10, 30, 3, 0, 0).getTime();
const RULE = 'process(apache2) absent';
const OTHER = 'memory > 99%';
const busy = makeProcess({ pid: 10, name: 'busy', cpu: 50 });
const apache = makeProcess({ pid: 20, name: 'apache2', cpu: 1 });
/** Apache absent at 03:00:00 and 151 s and 302 s later (firing for 5m02s at the last one). */
const absent = [0, 151, 302].map((s) => makeSample({ time: T0 + s * 1000, processes: [busy] }));
const back = (s: number): Sample => makeSample({ time: T0 + s * 1000, processes: [busy, apache] });

/** The local dashboard's alerting over a live hub, shown at cols×rows once every sample has arrived. */
async function open(cols: number, rows: number, samples: Sample[]): Promise<{ source: ScriptedSource; screen: string }> {
  const source = new ScriptedSource(samples);
  const hub = liveHub(source, { top: 15 });
  const { alerting, board } = startBoardAlerting(hub, { rules: [parseRule(RULE), parseRule(OTHER)], targets: [], repeatMs: DEFAULT_REPEAT_MS, quiet: undefined, file: undefined, noReadingMs: DEFAULT_NO_READING_MS });
  closing.push(async () => {
    await hub.close();
    await alerting.close();
  });
  hub.start();
  const term = ui.open(cols, rows, { view: liveView(hub), alerts: board, status: () => alertStatus(alerting) });
  ui.source = source;
  const screen = await term.waitFor((s) => /Alerts: 1 firing/.test(s) && s.includes('5m02s') && source.delivered === samples.length);
  return { source, screen };
}

describe('the alerts panel', () => {
  for (const [cols, rows] of [
    [80, 24],
    [250, 70],
  ] as const) {
    it(`at ${cols}x${rows} shows each rule firing since when, for how long and its value, or OK; then what resolved; a hides it`, async () => {
      const { source, screen } = await open(cols, rows, absent);
      expect(screen).toContain(`FIRING ${RULE}`);
      expect(screen).toContain(`since ${formatClock(T0)} for 5m02s`);
      expect(screen).toContain('0 processes matching apache2');
      expect(screen).toContain(`OK     ${OTHER}`);
      // The status bar as ever.
      expect(screen).toContain(`ALERT ${RULE}`);

      source.push(back(303));
      const resolved = await ui.term?.waitFor((s) => s.includes(`OK     ${RULE}`) && /Alerts ─/.test(s));
      // A narrow panel cuts the line: its time and word stay.
      expect(resolved).toContain(`${formatClock(T0 + 303_000)} resolved process(`);
      if (rows >= 70) {
        // Room for all of it: the fired transition and the alerting's own log lines (which a terminal has no other place for).
        expect(resolved).toMatch(new RegExp(`${formatClock(T0)} fired +${RULE.replace(/[()]/g, '\\$&')}`));
        expect(resolved).toContain('2 alert rule(s); no --notify given');
        // Each transition once: not again as the line the agent would log for it.
        expect(resolved).not.toContain(`alert firing: ${RULE}`);
        expect(resolved).not.toContain(`alert resolved: ${RULE}`);
      }
      await ui.term?.keys('a');
      await ui.term?.waitFor((s) => !s.includes('FIRING') && !s.includes(`OK     ${RULE}`));
    });
  }

  it('paused on an earlier sample, still says how long a live rule has fired up to now', async () => {
    await open(120, 40, absent);
    await ui.term?.keys(KEY.left);
    const paused = await ui.term?.waitFor((s) => s.includes(formatClock(T0 + 151_000)) && /PAUSED/i.test(s));
    expect(paused).toContain(`since ${formatClock(T0)} for 5m02s`);
  });

  it('shows an agent’s hostile rule and value with ? for their control characters, the terminal untouched', async () => {
    // What a hostile agent could send in an `alert` message (the decoder keeps strings as they are).
    const rule = 'cpu > 1%\x1b[2J\x1b]0;owned\x07';
    const board = new AlertBoard();
    board.update({ rules: [rule], firing: [{ rule, since: T0, value: 'v\x1b[31mred\r\nforged' }] }, T0);
    const screen = await ui.live(120, 40, absent, { alerts: board }, /FIRING cpu/);
    expect(screen).toContain('FIRING cpu > 1%?[2J?]0;owned?');
    expect(screen).toContain('v?[31mred??forged');
    const raw = ui.term?.rawSince() ?? '';
    expect(raw).not.toContain('\x1b]0;owned');
    expect(raw).not.toContain('\x1b[31mred');
  });

  it('in a replay shows the recording’s alerts as they were at the cursor: OK before, FIRING inside, resolved after', async () => {
    // Ten samples a second apart; the rule fired at the 3rd (its condition held from the 2nd) and resolved at the 7th.
    const timeline = new SampleHistory(100);
    for (let i = 0; i < 10; i++) timeline.push(makeSample({ time: T0 + i * 1000, processes: [busy] }));
    const event = (kind: AlertEvent['kind'], at: number, value: string): AlertEvent => ({ kind, rule: RULE, value, since: T0 + 2000, at: T0 + at * 1000, top: [] });
    const alerts = recordedAlerts([event('firing', 3, '0 processes matching apache2'), event('resolved', 7, '1 process matching apache2')]);
    const term = ui.open(120, 40, { view: replayView({ timeline, spikes: [] }), alerts });
    await term.keys(KEY.home);
    await term.waitFor((s) => s.includes(`REPLAY ${formatClock(T0)}`) && s.includes(`OK     ${RULE}`) && !s.includes('fired'));
    await term.keys(KEY.right, KEY.right, KEY.right, KEY.right);
    const inside = await term.waitFor((s) => s.includes(`REPLAY ${formatClock(T0 + 4000)}`) && s.includes(`FIRING ${RULE}`));
    expect(inside).toContain(`since ${formatClock(T0 + 2000)} for 2.0s`);
    expect(inside).toContain('Alerts: 1 firing');
    await term.keys(KEY.right, KEY.right, KEY.right, KEY.right);
    const after = await term.waitFor((s) => s.includes(`REPLAY ${formatClock(T0 + 8000)}`) && s.includes(`OK     ${RULE}`) && s.includes('resolved'));
    expect(after).toContain(`${formatClock(T0 + 7000)} resolved ${RULE}`);
    expect(after).toMatch(new RegExp(`${formatClock(T0 + 3000)} fired +${RULE.replace(/[()]/g, '\\$&')}`));
  });

  it('is not there without alert rules, and a shows it with what to give', async () => {
    const screen = await ui.live(120, 40, absent);
    expect(screen).not.toContain('Alerts');
    await ui.term?.keys('a');
    await ui.term?.waitFor((s) => s.includes('Alerts') && s.includes('no alert rules here: tmon --alert RULE'));
  });
});
