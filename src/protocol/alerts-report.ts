import type { MetricFamily } from '../core/metric-family.js';

/**
 * What an agent serves at GET /alerts (README "Alerts"): its rules and those
 * firing now. `tmon alerts HOST:PORT` reads it; anything else may too.
 */
export interface AlertsReport {
  version: 1;
  host: string;
  rules: string[];
  firing: { rule: string; since: number; value: string }[];
}

/** Rules an agent may report, and the longest text of one; a longer answer is not an agent's (protocol/wire-decode.ts checks them). */
export const MAX_RULES = 1000;
export const MAX_TEXT = 2000;

/**
 * The report on /metrics: every rule of the agent with 1 while it fires, so
 * Alertmanager can route what the agent evaluated (`tmon_alert_firing == 1`);
 * one series per rule, as bounded as the agent's rules.
 */
export function alertsFamilies(report: AlertsReport): MetricFamily[] {
  const since = new Map(report.firing.map((f) => [f.rule, f.since]));
  return [
    {
      name: 'tmon_alert_firing',
      help: "1 while the agent's alert rule fires, else 0.",
      type: 'gauge',
      samples: report.rules.map((rule) => ({ labels: { rule }, value: since.has(rule) ? 1 : 0 })),
    },
    {
      name: 'tmon_alert_firing_since_timestamp_seconds',
      help: 'When each firing rule started to fire, in unixtime.',
      type: 'gauge',
      unit: 'seconds',
      samples: report.firing.map((f) => ({ labels: { rule: f.rule }, value: f.since / 1000 })),
    },
  ];
}
