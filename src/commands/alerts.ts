import { onlyPositional } from '../cli-args.js';
import { commandHelp, parseCommand, type FlagValues } from '../cli-flags.js';
import type { AlertEvent } from '../core/alert-event.js';
import { UserError } from '../core/errors.js';
import { sanitize, terminalJson } from '../core/sanitize.js';
import { formatClock, formatDay, formatDuration } from '../core/units.js';
import type { AlertsReport } from '../protocol/alerts-report.js';
import { fetchAgentAlerts } from '../transport/agent-alerts.js';
import { parseTarget } from '../transport/remote-target.js';
import { ALERTS } from './command-flags.js';
import { openForCommand } from './open-recording.js';
import { remoteOptions } from './remote-options.js';
import { looksLikePath } from './spikes.js';

/** `tmon alerts HOST:PORT|FILE|DIR [--json]`: what an agent has firing now, or the alert events a recording holds. */
export async function runAlerts(argv: string[]): Promise<number> {
  const args = parseCommand(ALERTS, argv);
  if (args.help) {
    process.stdout.write(commandHelp(ALERTS));
    return 0;
  }
  const { values, positionals } = args;
  const where = onlyPositional('alerts', positionals, 'a recording or an agent', 'FILE|DIR|HOST:PORT');
  process.stdout.write(looksLikePath(where) ? await fromRecording(where, values.json) : await fromAgent(where, values));
  return 0;
}

async function fromAgent(where: string, values: FlagValues<typeof ALERTS.flags>): Promise<string> {
  const target = parseTarget(where, { tls: values.tls });
  const { token, ca } = remoteOptions(values);
  const report = await fetchAgentAlerts(target, { ...(token !== undefined ? { token } : {}), ...(ca !== undefined ? { ca } : {}) });
  return values.json ? `${JSON.stringify(report)}\n` : alertsText(report, Date.now());
}

async function fromRecording(path: string, json: boolean): Promise<string> {
  const recording = await openForCommand(path);
  try {
    const events = recording.alertEvents();
    // Nothing readable and warnings said why (a cut-off or damaged file): an error, not an empty list.
    if (events.length === 0 && recording.length === 0 && recording.warnings.length > 0) throw new UserError(`${path} holds no readable samples`);
    if (json) return alertEventsJson(events, recording.header.host.hostname);
    return events.length > 0 ? alertEventsText(events) : `${sanitize(path, 1000)}: no alert events (none fired while it was recorded)\n`;
  } finally {
    await recording.close();
  }
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

/** Processes named on a line of `tmon alerts FILE`. */
const TOP_SHOWN = 3;

/**
 * One line per event, in the order given (time order): "2026-11-30 06:01:02 FIRING rule (value)  top: a[1] b[2]",
 * "… RESOLVED rule (value) after 5m02s" (since the condition began). Every string from the file sanitised.
 */
export function alertEventsText(events: readonly AlertEvent[]): string {
  return events
    .map((e) => {
      const top = e.top.slice(0, TOP_SHOWN).map((p) => `${sanitize(p.name, 100)}[${p.pid}]`);
      const after = e.kind === 'resolved' ? ` after ${formatDuration(Math.max(0, e.at - e.since))}` : '';
      const head = `${formatDay(e.at)} ${formatClock(e.at)} ${e.kind === 'firing' ? 'FIRING' : 'RESOLVED'}`;
      return `${head} ${sanitize(e.rule, 2000)} (${sanitize(e.value, 2000)})${after}${top.length > 0 ? `  top: ${top.join(' ')}` : ''}\n`;
    })
    .join('');
}

/** JSON lines, one object per event; times ISO 8601 UTC; exact strings with control and bidi characters as \\uXXXX escapes. */
export function alertEventsJson(events: readonly AlertEvent[], host: string): string {
  return events
    .map((e) => {
      const record = {
        host,
        kind: e.kind,
        rule: e.rule,
        value: e.value,
        since: new Date(e.since).toISOString(),
        at: new Date(e.at).toISOString(),
        top: e.top,
        ...(e.culprits ? { culprits: e.culprits } : {}),
      };
      return `${terminalJson(JSON.stringify(record))}\n`;
    })
    .join('');
}
