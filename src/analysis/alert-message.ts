import { sanitize } from '../core/sanitize.js';
import { formatBytes, formatClock, formatDay, formatDuration, formatPercent } from '../core/units.js';
import type { AlertNotice, NoticeKind } from './alert-state.js';

/** What `tmon alert test` sends. */
export type MessageKind = NoticeKind | 'test';

export interface AlertMessage extends Omit<AlertNotice, 'kind'> {
  kind: MessageKind;
}

const HEADLINE: Record<MessageKind, string> = { firing: 'FIRING', repeat: 'STILL FIRING', resolved: 'RESOLVED', test: 'TEST' };

/** Longest text taken from a process or host name. */
const NAME_MAX = 200;

function when(ms: number): string {
  return `${formatDay(ms)} ${formatClock(ms)}`;
}

/** "[tmon] db1: FIRING process(apache2) absent for 30s". */
export function messageSubject(m: AlertMessage): string {
  return `[tmon] ${sanitize(m.host, NAME_MAX)}: ${HEADLINE[m.kind]} ${sanitize(m.rule, NAME_MAX)}`;
}

/** The plain-text body: host, rule, value, since when, and the processes at that moment. */
export function messageText(m: AlertMessage): string {
  const lines = [
    `host:   ${sanitize(m.host, NAME_MAX)}`,
    `rule:   ${sanitize(m.rule, NAME_MAX)}`,
    `state:  ${HEADLINE[m.kind]}`,
    `value:  ${sanitize(m.value, NAME_MAX)}`,
    `since:  ${when(m.since)}${m.kind === 'test' ? '' : ` (${formatDuration(Math.max(0, m.at - m.since))})`}`,
    `at:     ${when(m.at)}`,
  ];
  if (m.culprits && m.culprits.length > 0) lines.push('', 'culprits:', ...m.culprits.map((c) => `  ${sanitize(c, NAME_MAX)}`));
  if (m.top.length > 0) {
    lines.push('', 'top processes:');
    for (const p of m.top) {
      lines.push(`  ${String(p.pid).padStart(7)} ${formatPercent(p.cpu).padStart(6)} ${formatBytes(p.rss).padStart(5)}  ${sanitize(p.user, 32)}  ${sanitize(p.name, NAME_MAX)}`);
    }
  }
  return `${lines.join('\n')}\n`;
}

/** The webhook's JSON body: every field, names sanitised, plus the subject and text as written. */
export function messageJson(m: AlertMessage): Record<string, unknown> {
  return {
    source: 'tmon',
    kind: m.kind,
    host: sanitize(m.host, NAME_MAX),
    rule: sanitize(m.rule, NAME_MAX),
    value: sanitize(m.value, NAME_MAX),
    since: new Date(m.since).toISOString(),
    at: new Date(m.at).toISOString(),
    top: m.top.map((p) => ({ pid: p.pid, name: sanitize(p.name, NAME_MAX), user: sanitize(p.user, 32), cpu: p.cpu, rss: p.rss })),
    ...(m.culprits ? { culprits: m.culprits.map((c) => sanitize(c, NAME_MAX)) } : {}),
    title: messageSubject(m),
    message: messageText(m),
  };
}

/** The `exec:` program's environment: every value as a TMON_ALERT_* variable, nothing on its command line. */
export function messageEnv(m: AlertMessage): Record<string, string> {
  const top = m.top[0];
  return {
    TMON_ALERT_KIND: m.kind,
    TMON_ALERT_HOST: sanitize(m.host, NAME_MAX),
    TMON_ALERT_RULE: sanitize(m.rule, NAME_MAX),
    TMON_ALERT_VALUE: sanitize(m.value, NAME_MAX),
    TMON_ALERT_SINCE: new Date(m.since).toISOString(),
    TMON_ALERT_AT: new Date(m.at).toISOString(),
    TMON_ALERT_TOP: m.top.map((p) => `${sanitize(p.name, NAME_MAX)}[${p.pid}]`).join(' '),
    ...(top ? { TMON_ALERT_TOP_NAME: sanitize(top.name, NAME_MAX), TMON_ALERT_TOP_PID: String(top.pid) } : {}),
    TMON_ALERT_SUBJECT: messageSubject(m),
    TMON_ALERT_TEXT: messageText(m),
  };
}
