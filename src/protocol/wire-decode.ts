import { SAMPLE_VERSION, type CpuShare, type HostFacts, type ProcessStats, type Sample } from '../core/sample.js';
import { SPIKE_METRICS, type Culprit, type Spike } from '../core/spike.js';
import { MAX_CMD_CHARS, PROCESS_FIELD_LIST } from '../core/process-schema.js';
import { PROBE_FIELDS } from '../core/probe-schema.js';
import { MAX_PROBE_TEXT } from '../core/probe.js';
import { CPU_SHARE_FIELDS, FILESYSTEM_FIELDS, LOAD_FIELDS, MEMORY_FIELDS, PRESSURE_TOTAL_FIELDS, TASK_FIELDS } from '../core/sample-schema.js';
import type { FieldSpec, NamedField } from '../core/field-table.js';
import { MAX_RULES, MAX_TEXT, type AlertsReport } from './alerts-report.js';
import {
  ARCHIVE_MAX_SPIKES,
  CloseCode,
  PROTOCOL_VERSION,
  type AgentLimits,
  type AgentMessage,
  type ArchiveExtent,
  type CloseCodeValue,
  type HelloMessage,
  type HistoryExtent,
  type ViewerMessage,
} from './wire-messages.js';

/** Why an inbound message was refused; `code` is the close code to answer with. */
export class WireError extends Error {
  constructor(
    readonly code: CloseCodeValue,
    message: string,
  ) {
    super(message);
    this.name = 'WireError';
  }
}

/** The agent's hello names a protocol this viewer does not speak. */
export class ProtocolMismatchError extends WireError {
  constructor(
    readonly agentProtocol: unknown,
    readonly agentVersion: string | undefined,
  ) {
    super(CloseCode.wrongVersion, `agent speaks protocol ${String(agentProtocol)}, this viewer speaks ${PROTOCOL_VERSION}`);
    this.name = 'ProtocolMismatchError';
  }
}

/**
 * A validator returns a fresh, exactly typed copy of what it accepts (unknown
 * fields dropped) or throws a WireError naming the path. `shape<T>` demands a
 * validator for every field of T, so a field added to the Sample model fails
 * to compile here until the wire validates it too.
 */
export type Validator<T> = (value: unknown, path: string) => T;

function malformed(path: string, what: string): never {
  throw new WireError(CloseCode.malformed, `${path} must be ${what}`);
}

export const num: Validator<number> = (v, path) =>
  typeof v === 'number' && Number.isFinite(v) ? v : malformed(path, 'a finite number');

export const int: Validator<number> = (v, path) => (Number.isSafeInteger(v) ? (v as number) : malformed(path, 'an integer'));

/**
 * What a viewer keeps of one sample, whatever an agent sends: at most this many
 * processes (the top 500 by CPU and by RSS, --top's bound, plus spike evidence),
 * command lines of at most MAX_CMD_CHARS and other strings of at most
 * MAX_STRING_CHARS. Beyond, lists and strings are cut, not refused: a long
 * command line is no attack.
 */
export const MAX_WIRE_PROCESSES = 1200;
export { MAX_CMD_CHARS };
export const MAX_STRING_CHARS = 256;
/** Per-sample lists other than processes: cores, interfaces, filesystems, disks; and culprits per spike. */
const MAX_LIST_ITEMS = 512;

function cut(s: string, max: number): string {
  // No half of a surrogate pair at the cut.
  return s.length <= max ? s : s.slice(0, max).replace(/[\uD800-\uDBFF]$/, '');
}

/** A string of at most `max` characters, longer ones cut. */
export function text(max: number): Validator<string> {
  return (v, path) => (typeof v === 'string' ? cut(v, max) : malformed(path, 'a string'));
}

export const str: Validator<string> = text(MAX_STRING_CHARS);

export const bool: Validator<boolean> = (v, path) => (typeof v === 'boolean' ? v : malformed(path, 'true or false'));

export function optional<T>(inner: Validator<T>): Validator<T | undefined> {
  return (v, path) => (v === undefined ? undefined : inner(v, path));
}

export function nullable<T>(inner: Validator<T>): Validator<T | null> {
  return (v, path) => (v === null ? null : inner(v, path));
}

/** A flag that is present only when set. */
const yes: Validator<true> = (v, path) => (v === true ? true : malformed(path, 'true'));

export function literal<T extends string | number>(expected: T): Validator<T> {
  return (v, path) => (v === expected ? expected : malformed(path, JSON.stringify(expected)));
}

export function oneOf<T extends string>(...allowed: readonly T[]): Validator<T> {
  return (v, path) => (allowed.includes(v as T) ? (v as T) : malformed(path, `one of ${allowed.map((a) => JSON.stringify(a)).join(', ')}`));
}

/** An array of at most `max` items (the first ones; the rest are dropped unchecked). */
export function arrayOf<T>(inner: Validator<T>, max = Infinity): Validator<T[]> {
  return (v, path) => {
    if (!Array.isArray(v)) return malformed(path, 'an array');
    return (v.length > max ? v.slice(0, max) : v).map((item, i) => inner(item, `${path}[${i}]`));
  };
}

export function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

export function shape<T extends object>(fields: { [K in keyof T]-?: Validator<T[K]> }): Validator<T> {
  const entries = Object.entries(fields) as [string, Validator<unknown>][];
  return (v, path) => {
    if (!isRecord(v)) return malformed(path, 'an object');
    const out: Record<string, unknown> = {};
    for (const [key, check] of entries) {
      const value = check(v[key], `${path}.${key}`);
      if (value !== undefined) out[key] = value;
    }
    return out as T;
  };
}

const hostFacts = shape<HostFacts>({
  hostname: str,
  os: str,
  kernel: str,
  arch: str,
  cpuModel: str,
  cpuCount: num,
  memTotal: num,
  bootTime: num,
  monitorPid: optional(num),
});

const cpuShare = fieldsValidator<CpuShare>(CPU_SHARE_FIELDS);

function fieldValidator(f: FieldSpec): Validator<number | string | boolean | undefined> {
  const inner: Validator<number | string | boolean> =
    f.type === 'number' ? num : f.type === 'string' ? text(f.maxChars ?? MAX_STRING_CHARS) : f.type === 'boolean' ? bool : yes;
  return f.optional ? optional(inner) : inner;
}

/** One validator per field of a table, as `shape` takes them. */
function fieldValidators<T extends object>(list: readonly NamedField<T>[]): { [K in keyof T]-?: Validator<T[K]> } {
  return Object.fromEntries(list.map((f) => [f.name, fieldValidator(f)])) as { [K in keyof T]-?: Validator<T[K]> };
}

/** A record checked field by field as its table (core/process-schema.ts, core/sample-schema.ts) describes it. */
function fieldsValidator<T extends object>(list: readonly NamedField<T>[]): Validator<T> {
  return shape<T>(fieldValidators(list));
}

const processStats = fieldsValidator<ProcessStats>(PROCESS_FIELD_LIST);

/** Structure and types of a whole Sample: enough that a hostile agent cannot crash a viewer. */
export const validateSample: Validator<Sample> = shape<Sample>({
  version: literal(SAMPLE_VERSION),
  time: num,
  intervalMs: num,
  host: hostFacts,
  uptime: num,
  cpu: shape({ total: cpuShare, cores: arrayOf(cpuShare, MAX_LIST_ITEMS), busyMin: num, busyMax: num }),
  load: fieldsValidator(LOAD_FIELDS),
  memory: fieldsValidator(MEMORY_FIELDS),
  pressure: shape({ cpu: nullable(num), memory: nullable(num), io: nullable(num), ...fieldValidators(PRESSURE_TOTAL_FIELDS) }),
  tasks: fieldsValidator(TASK_FIELDS),
  processes: arrayOf(processStats, MAX_WIRE_PROCESSES),
  omitted: optional(shape({ count: num, maxCpu: num, maxRss: num })),
  net: arrayOf(shape({ name: str, rxBytesPerSec: num, txBytesPerSec: num, virtual: optional(bool) }), MAX_LIST_ITEMS),
  filesystems: arrayOf(fieldsValidator(FILESYSTEM_FIELDS), MAX_LIST_ITEMS),
  disks: arrayOf(shape({ device: str, readBytesPerSec: num, writeBytesPerSec: num }), MAX_LIST_ITEMS),
  probes: optional(arrayOf(fieldsValidator(PROBE_FIELDS), MAX_LIST_ITEMS)),
});

const culprit = shape<Culprit>({
  pid: num,
  name: str,
  cmd: text(MAX_CMD_CHARS),
  user: str,
  startTime: num,
  rise: num,
  share: num,
  exited: optional(bool),
  viaChildren: optional(bool),
  monitor: optional(bool),
});

/** A whole Spike: stored spikes reach viewers too, so they are checked like samples. */
export const validateSpike: Validator<Spike> = shape<Spike>({
  id: str,
  metric: oneOf(...SPIKE_METRICS),
  target: optional(text(MAX_PROBE_TEXT)),
  start: num,
  end: nullable(num),
  peak: num,
  peakAt: num,
  min: num,
  avg: num,
  baseline: num,
  severity: oneOf('notice', 'careful', 'warning', 'critical'),
  culprits: arrayOf(culprit, MAX_LIST_ITEMS),
});

/** A spike of a metric a newer tmon added: this one leaves it out, as an older one leaves out all of `newerSpikes`. */
export function isSpikeOfUnknownMetric(x: unknown): boolean {
  return isRecord(x) && typeof x['metric'] === 'string' && !(SPIKE_METRICS as readonly string[]).includes(x['metric']);
}

/** `newerSpikes` (core/spike.ts FIRST_SPIKE_METRICS): each checked as a spike, those of unknown metrics dropped. */
export function newerSpikes(max: number): Validator<Spike[]> {
  return (v, path) => {
    if (!Array.isArray(v)) return malformed(path, 'an array');
    return v.slice(0, max).flatMap((item: unknown, i) => (isSpikeOfUnknownMetric(item) ? [] : [validateSpike(item, `${path}[${i}]`)]));
  };
}

const limits = shape<AgentLimits>({
  minIntervalMs: num,
  maxIntervalMs: num,
  maxPayloadBytes: num,
  historySamples: num,
  maxMessagesPerSec: num,
  heartbeatMs: num,
});

const historyExtent = shape<HistoryExtent>({ count: num, oldest: nullable(num), newest: nullable(num) });

const archiveExtent = shape<ArchiveExtent>({ oldest: nullable(num), newest: nullable(num), spikes: num, maxSamples: num });

/** An agent from before stored history sends no `archive`: the same as one without a store. */
const archiveField: Validator<ArchiveExtent | null> = (v, path) => (v === undefined ? null : nullable(archiveExtent)(v, path));

const hello = shape<HelloMessage>({
  type: literal('hello'),
  protocolVersion: literal(PROTOCOL_VERSION),
  agentVersion: str,
  host: nullable(hostFacts),
  intervalMs: num,
  baseIntervalMs: num,
  limits,
  history: historyExtent,
  archive: archiveField,
});

/** A string of at most `max` characters; a longer one is refused (an alert's rule names it: cutting would change which rule). */
function boundedText(max: number): Validator<string> {
  return (v, path) => (typeof v === 'string' && v.length <= max ? v : malformed(path, `a string of at most ${max} characters`));
}

/** An array of at most `max` items; a longer one is refused, not cut (a list of firing alerts cut short would lie). */
function boundedArray<T>(inner: Validator<T>, max: number): Validator<T[]> {
  return (v, path) => (Array.isArray(v) && v.length > max ? malformed(path, `an array of at most ${max} items`) : arrayOf(inner)(v, path));
}

const alertText = boundedText(MAX_TEXT);

const alertsReportShape = shape<AlertsReport>({
  version: literal(1),
  host: str,
  rules: boundedArray(alertText, MAX_RULES),
  firing: boundedArray(shape({ rule: alertText, since: num, value: alertText }), MAX_RULES),
});

/** An agent's alerts report (GET /alerts, the `alert` message): every firing rule is one of its rules. */
const alertsReport: Validator<AlertsReport> = (v, path) => {
  const report = alertsReportShape(v, path);
  const rules = new Set(report.rules);
  report.firing.forEach((f, i) => {
    if (!rules.has(f.rule)) malformed(`${path}.firing[${i}].rule`, 'one of .rules');
  });
  return report;
};

/** An agent's GET /alerts answer checked field by field, as the `alert` message's; null when it is not one. */
export function decodeAlertsReport(v: unknown): AlertsReport | null {
  try {
    return alertsReport(v, 'alerts');
  } catch (err) {
    if (err instanceof WireError) return null;
    throw err;
  }
}

const agentMessages: Record<AgentMessage['type'], Validator<AgentMessage>> = {
  hello,
  sample: shape({ type: literal('sample'), sample: validateSample }),
  history: shape({ type: literal('history'), id: int, samples: arrayOf(validateSample), done: bool }),
  interval: shape({ type: literal('interval'), intervalMs: num }),
  spikes: shape({
    type: literal('spikes'),
    id: int,
    spikes: arrayOf(validateSpike, ARCHIVE_MAX_SPIKES),
    newerSpikes: optional(newerSpikes(ARCHIVE_MAX_SPIKES)),
    archive: archiveField,
    problem: optional(text(MAX_CMD_CHARS)),
  }),
  alert: shape({ type: literal('alert'), at: nullable(num), alerts: alertsReport }),
  error: shape({ type: literal('error'), code: num, message: text(MAX_CMD_CHARS) }),
};

const positiveNumber: Validator<number> = (v, path) => (num(v, path) > 0 ? (v as number) : malformed(path, 'above 0'));

/** A request for a time range: from ≤ to. */
function rangeRequest<T extends { from: number; to: number }>(check: Validator<T>): Validator<T> {
  return (v, path) => {
    const req = check(v, path);
    if (req.from > req.to) malformed(`${path}.from`, 'at most .to');
    return req;
  };
}

const viewerMessages: Record<ViewerMessage['type'], Validator<ViewerMessage>> = {
  'history-request': rangeRequest(
    shape({ v: num, type: literal('history-request'), id: int, from: num, to: num, archive: optional(bool) }),
  ),
  'spikes-request': rangeRequest(shape({ v: num, type: literal('spikes-request'), id: int, from: num, to: num })),
  'set-interval': shape({ v: num, type: literal('set-interval'), intervalMs: nullable(positiveNumber) }),
};

function parseObject(text: string): Record<string, unknown> {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new WireError(CloseCode.malformed, 'message is not valid JSON');
  }
  if (!isRecord(value)) throw new WireError(CloseCode.malformed, 'message must be a JSON object');
  return value;
}

/** Short and printable, for echoing a client's value inside an error message. */
function quote(v: unknown): string {
  if (v === undefined) return '(none)';
  const s = typeof v === 'string' ? v : (JSON.stringify(v) ?? typeof v);
  return JSON.stringify(s.length > 40 ? `${s.slice(0, 40)}…` : s);
}

/** Agent side: parse and validate one text frame from a viewer. */
export function decodeViewerMessage(text: string): ViewerMessage {
  const obj = parseObject(text);
  if (obj['v'] === undefined) throw new WireError(CloseCode.malformed, 'message.v (protocol version) is missing');
  if (obj['v'] !== PROTOCOL_VERSION) {
    throw new WireError(
      CloseCode.wrongVersion,
      `protocol version ${quote(obj['v'])} is not supported: this agent speaks ${PROTOCOL_VERSION}`,
    );
  }
  const type = obj['type'];
  const check = typeof type === 'string' && Object.hasOwn(viewerMessages, type) ? viewerMessages[type as ViewerMessage['type']] : undefined;
  if (!check) throw new WireError(CloseCode.unknownType, `unknown message type ${quote(type)}`);
  return check(obj, 'message');
}

/** Viewer side: parse and validate one text frame from an agent. */
export function decodeAgentMessage(text: string): AgentMessage {
  const obj = parseObject(text);
  const type = obj['type'];
  if (type === 'hello' && obj['protocolVersion'] !== PROTOCOL_VERSION) {
    const agentVersion = typeof obj['agentVersion'] === 'string' ? obj['agentVersion'] : undefined;
    throw new ProtocolMismatchError(obj['protocolVersion'], agentVersion);
  }
  const check = typeof type === 'string' && Object.hasOwn(agentMessages, type) ? agentMessages[type as AgentMessage['type']] : undefined;
  if (!check) throw new WireError(CloseCode.unknownType, `unknown message type ${quote(type)}`);
  return check(obj, 'message');
}
