import { sanitize } from '../src/core/sanitize.js';
import type { AlertsReport } from '../src/protocol/alerts-report.js';
import { byId, element } from './dom.js';
import { stamp } from './stored-history.js';

/** The rules in the list: firing ones first, each with since when and its value. */
function renderAlerts(report: AlertsReport): void {
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

/** What the agent's `alert` messages say; null: it evaluates no rules. */
export function showAlerts(report: AlertsReport | null): void {
  if (report !== null && report.rules.length > 0) {
    renderAlerts(report);
    return;
  }
  byId('alerts').replaceChildren();
  byId('alerts-state').textContent = 'none: the agent has no --alert rules';
}
