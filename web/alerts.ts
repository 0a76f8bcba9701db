import { sanitize } from '../src/core/sanitize.js';
import type { AlertsReport } from '../src/protocol/alerts-report.js';
import { decodeAlertsReport } from '../src/protocol/wire-decode.js';
import { byId, element } from './dom.js';
import { stamp } from './stored-history.js';

/** How often the page asks the agent for its alerts: a few hundred bytes of JSON, as cheap as a /healthz. */
const POLL_MS = 5000;

/** The rules in the list: firing ones first, each with since when and its value. */
export function renderAlerts(report: AlertsReport): void {
  const firing = new Map(report.firing.map((f) => [f.rule, f]));
  const rules = [...report.rules].sort((a, b) => Number(firing.has(b)) - Number(firing.has(a)));
  byId('alerts-state').textContent = report.firing.length === 0 ? `${report.rules.length} rules, none firing` : `${report.firing.length} of ${report.rules.length} firing`;
  byId('alerts').replaceChildren(
    ...rules.map((rule) => {
      const f = firing.get(rule);
      const li = element('li', '', f ? 'firing' : 'ok');
      li.dataset['rule'] = rule;
      li.append(element('span', f ? 'FIRING ' : 'ok ', 'state'), element('span', sanitize(rule, 300), 'rule'));
      if (f) li.append(element('span', ` since ${stamp(f.since)} · ${sanitize(f.value, 300)}`, 'since'));
      return li;
    }),
  );
}

/**
 * The agent's alert rules and the firing ones, from GET /alerts (the session cookie
 * goes with it), every POLL_MS while the page is open. An agent without rules
 * answers 426: the page says so and stops asking until the next link.
 */
export class AlertsPoller {
  private timer: ReturnType<typeof setTimeout> | undefined;

  start(): void {
    clearTimeout(this.timer);
    void this.poll();
  }

  private async poll(): Promise<void> {
    const state = byId('alerts-state');
    let again = true;
    try {
      const res = await fetch('/alerts', { credentials: 'same-origin' });
      if (res.status === 426) {
        again = false;
        byId('alerts').replaceChildren();
        state.textContent = 'none: the agent has no --alert rules';
      } else if (!res.ok) {
        state.textContent = `the agent answered ${res.status} at /alerts`;
      } else {
        const report = decodeAlertsReport(await res.json());
        if (report) renderAlerts(report);
        else state.textContent = 'the agent sent something that is not an alerts report';
      }
    } catch {
      state.textContent = 'alerts not reachable: retrying';
    }
    if (again) this.timer = setTimeout(() => void this.poll(), POLL_MS);
  }
}
