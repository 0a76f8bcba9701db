import { fieldList, type FieldTable } from './field-table.js';
import type { ProbeResult } from './probe.js';

/** The probe record's fields (see core/field-table.ts): one entry per target in a sample; `target` is its identity. */
export const PROBE_FIELDS = fieldList<ProbeResult>({
  target: { type: 'string', unit: 'the probe as given: scheme://host[:port][/path]', optional: false, since: 4, maxChars: 2048 },
  up: { type: 'boolean', unit: 'answered in time (http: a 2xx or 3xx status)', optional: false, since: 4 },
  ms: { type: 'number', quantum: 'latency', unit: 'ms round trip (tcp connect, http total, ping echo)', optional: true, since: 4 },
  ttfbMs: { type: 'number', quantum: 'latency', unit: 'ms to the first byte (http)', optional: true, since: 4 },
  status: { type: 'number', quantum: 'exact', unit: 'HTTP status', optional: true, since: 4 },
  error: { type: 'string', unit: 'why it is down', optional: true, since: 4, maxChars: 200 },
} as const satisfies FieldTable<ProbeResult>);
