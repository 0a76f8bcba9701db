import { onlyPositional } from '../cli-args.js';
import { commandHelp, parseCommand } from '../cli-flags.js';
import { sanitize } from '../core/sanitize.js';
import { formatClock, formatDay, formatDuration } from '../core/units.js';
import type { AlertsReport } from '../protocol/alerts-report.js';
import { fetchAgentAlerts } from '../transport/agent-alerts.js';
import { parseTarget } from '../transport/remote-target.js';
import { ALERTS } from './command-flags.js';
import { remoteOptions } from './remote-options.js';

/** `tmon alerts HOST:PORT [--json]`: what the agent has firing now. */
export async function runAlerts(argv: string[]): Promise<number> {
  const args = parseCommand(ALERTS, argv);
  if (args.help) {
    process.stdout.write(commandHelp(ALERTS));
    return 0;
  }
  const { values, positionals } = args;
  const target = parseTarget(onlyPositional('alerts', positionals, 'an agent', 'HOST:PORT'), { tls: values.tls });
  const { token, ca } = remoteOptions(values);
  const report = await fetchAgentAlerts(target, { ...(token !== undefined ? { token } : {}), ...(ca !== undefined ? { ca } : {}) });
  process.stdout.write(values.json ? `${JSON.stringify(report)}\n` : alertsText(report, Date.now()));
  return 0;
}

/** One line per firing alert: "FIRING since 2026-11-30 06:01:02 (5m02s)  rule  (value)"; the agent's words sanitised. */
export function alertsText(r: AlertsReport, now: number): string {
  const host = sanitize(r.host, 200);
  if (r.firing.length === 0) return `${host}: no alert firing (${r.rules.length} rule${r.rules.length === 1 ? '' : 's'})\n`;
  const lines = r.firing.map(
    (f) => `${host}: FIRING since ${formatDay(f.since)} ${formatClock(f.since)} (${formatDuration(Math.max(0, now - f.since))})  ${sanitize(f.rule, 2000)}  (${sanitize(f.value, 2000)})`,
  );
  return `${lines.join('\n')}\n`;
}
