/**
 * Prometheus exposition: the text format 0.0.4, or OpenMetrics 1.0 when the
 * scraper asks for it (Accept). Pure: metric families in, a body out. Label
 * values come from processes and mounts, so they are sanitised, cut and
 * escaped; names are checked against the format's pattern, so a bug
 * cannot emit a body a scraper rejects whole.
 */
import type { MetricFamily } from '../core/metric-family.js';
import { sanitize } from '../core/sanitize.js';

export const TEXT_CONTENT_TYPE = 'text/plain; version=0.0.4; charset=utf-8';
export const OPENMETRICS_CONTENT_TYPE = 'application/openmetrics-text; version=1.0.0; charset=utf-8';

/** Longest label value written: a process name or a mount point, never a page of text. */
const MAX_LABEL_VALUE = 200;
const NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;
const LABEL = /^[a-zA-Z_][a-zA-Z0-9_]*$/;

/** Whether a scraper's Accept header asks for OpenMetrics (Prometheus sends it first when it can read it). */
export function wantsOpenMetrics(accept: string | undefined): boolean {
  return accept !== undefined && /application\/openmetrics-text/i.test(accept);
}

export interface ExpositionOptions {
  /** Each sample's timestamp (a backfill from a recording); none for a live scrape. */
  timestampMs?: number;
  /** OpenMetrics' closing `# EOF` (default true): a backfill writes it once, after its last sample. */
  eof?: boolean;
}

export function exposition(families: readonly MetricFamily[], openMetrics: boolean, opts: ExpositionOptions = {}): string {
  // OpenMetrics counts seconds, text 0.0.4 milliseconds.
  const stamp = opts.timestampMs === undefined ? '' : ` ${openMetrics ? opts.timestampMs / 1000 : Math.round(opts.timestampMs)}`;
  const out: string[] = [];
  for (const f of families) {
    if (!NAME.test(f.name)) throw new Error(`metric name '${f.name}' is not valid`);
    // Text 0.0.4 has no info type: an info metric is a gauge of 1 named …_info.
    const type = f.type === 'info' && !openMetrics ? 'gauge' : f.type;
    const family = f.type === 'info' && !openMetrics ? `${f.name}_info` : f.name;
    const sampleName = f.type === 'counter' ? `${f.name}_total` : f.type === 'info' ? `${f.name}_info` : f.name;
    // Text 0.0.4 names a counter's family with its _total; OpenMetrics without.
    const head = f.type === 'counter' && !openMetrics ? sampleName : family;
    out.push(`# HELP ${head} ${escapeHelp(f.help)}`);
    out.push(`# TYPE ${head} ${type}`);
    if (openMetrics && f.unit) out.push(`# UNIT ${head} ${f.unit}`);
    for (const s of f.samples) out.push(`${sampleName}${labelText(s.labels)} ${numberText(s.value)}${stamp}`);
  }
  if (openMetrics && opts.eof !== false) out.push('# EOF');
  return `${out.join('\n')}\n`;
}

function labelText(labels: Readonly<Record<string, string>> | undefined): string {
  if (!labels) return '';
  const parts = Object.entries(labels).map(([k, v]) => {
    if (!LABEL.test(k)) throw new Error(`label name '${k}' is not valid`);
    return `${k}="${escapeLabel(v)}"`;
  });
  return parts.length ? `{${parts.join(',')}}` : '';
}

/** Control characters (a process named with escape codes or newlines) become `?`, as on every other way out. */
function escapeLabel(v: string): string {
  return sanitize(v, MAX_LABEL_VALUE).replace(/\\/g, '\\\\').replace(/"/g, '\\"');
}

function escapeHelp(h: string): string {
  return h.replace(/\\/g, '\\\\').replace(/\n/g, '\\n');
}

function numberText(v: number): string {
  if (Number.isNaN(v)) return 'NaN';
  if (v === Infinity) return '+Inf';
  if (v === -Infinity) return '-Inf';
  return String(v);
}
