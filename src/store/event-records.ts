import type { AlertEvent, AlertTopProcess } from '../core/alert-event.js';
import { FRAME_HEADER_BYTES, MAX_EVENT_PAYLOAD, validTime } from './record-format.js';

/**
 * EVENT frames and the index's `events`: one JSON object each whose `type` says
 * what it is. "alert" is an alert rule's transition (AlertEvent's fields beside
 * the type, `kind` firing or resolved). A reader keeps the types (and alert kinds)
 * it knows and passes over the others,
 * holding them as they are so that a writer continuing the file carries them
 * into its new index; a known type that does not check out is damage. A field
 * this tmon does not know inside a known type is ignored, so a newer tmon may
 * add fields without a new type.
 */
export const ALERT_EVENT = 'alert';

/** Bounds on what an alert event holds: the writer cuts to them, a reader refuses more. */
const MAX_RULE = 2000;
const MAX_VALUE = 2000;
const MAX_NAME = 256;
const MAX_USER = 256;
const MAX_TOP = 20;
const MAX_CULPRITS = 20;
const MAX_CULPRIT = 1000;
const MAX_TYPE = 64;

/** The smallest EVENT frame: its JSON holds at least `{"type":"x"}`. */
export const MIN_EVENT_FRAME_BYTES = FRAME_HEADER_BYTES + 12;

/** What a stored event reads as. */
export type StoredEvent =
  | { kind: 'alert'; event: AlertEvent }
  /** A type this tmon does not know (a newer tmon's): kept as it is, never shown. */
  | { kind: 'other'; record: Record<string, unknown> }
  | { kind: 'bad' };

/** The event cut to the bounds a reader accepts (a rule given on the command line may be any length). */
export function boundedAlertEvent(e: AlertEvent): AlertEvent {
  return {
    kind: e.kind,
    rule: e.rule.slice(0, MAX_RULE),
    value: e.value.slice(0, MAX_VALUE),
    since: e.since,
    at: e.at,
    top: e.top.slice(0, MAX_TOP).map((p) => ({ pid: p.pid, name: p.name.slice(0, MAX_NAME), user: p.user.slice(0, MAX_USER), cpu: p.cpu, rss: p.rss })),
    ...(e.culprits ? { culprits: e.culprits.slice(0, MAX_CULPRITS).map((c) => c.slice(0, MAX_CULPRIT)) } : {}),
  };
}

/** The JSON object stored for an alert event, in a frame and in the index. */
export function alertEventRecord(e: AlertEvent): Record<string, unknown> {
  return { type: ALERT_EVENT, ...boundedAlertEvent(e) };
}

/** An EVENT frame's payload for an alert event. */
export function alertEventPayload(e: AlertEvent): Buffer {
  return Buffer.from(JSON.stringify(alertEventRecord(e)), 'utf8');
}

/** An EVENT frame's payload, read: never throws. */
export function readEventPayload(payload: Buffer): StoredEvent {
  if (payload.length > MAX_EVENT_PAYLOAD) return { kind: 'bad' };
  try {
    return readStoredEvent(JSON.parse(payload.toString('utf8')));
  } catch {
    return { kind: 'bad' };
  }
}

/** One stored event object (a frame's JSON, or an entry of the index), checked field by field. */
export function readStoredEvent(x: unknown): StoredEvent {
  if (typeof x !== 'object' || x === null || Array.isArray(x)) return { kind: 'bad' };
  const r = x as Record<string, unknown>;
  const type = r['type'];
  if (typeof type !== 'string' || type.length === 0 || type.length > MAX_TYPE) return { kind: 'bad' };
  // A type, or an alert's kind, from a later tmon: passed over, kept.
  if (type !== ALERT_EVENT || (typeof r['kind'] === 'string' && r['kind'] !== 'firing' && r['kind'] !== 'resolved' && r['kind'].length <= MAX_TYPE)) {
    return otherEvent(r);
  }
  const event = validAlertEvent(r);
  return event ? { kind: 'alert', event } : { kind: 'bad' };
}

/** A later tmon's event, kept only while it is no larger than a frame may hold (and can be written again at all). */
function otherEvent(r: Record<string, unknown>): StoredEvent {
  try {
    return JSON.stringify(r).length <= MAX_EVENT_PAYLOAD ? { kind: 'other', record: r } : { kind: 'bad' };
  } catch {
    // Nested deeper than the stack allows: it could not be written again.
    return { kind: 'bad' };
  }
}

function boundedText(v: unknown, max: number): v is string {
  return typeof v === 'string' && v.length <= max;
}

function validAlertEvent(r: Record<string, unknown>): AlertEvent | undefined {
  const { kind, rule, value, since, at, top, culprits } = r;
  if (kind !== 'firing' && kind !== 'resolved') return undefined;
  if (!boundedText(rule, MAX_RULE) || !boundedText(value, MAX_VALUE)) return undefined;
  if (typeof since !== 'number' || !validTime(since) || typeof at !== 'number' || !validTime(at)) return undefined;
  if (!Array.isArray(top) || top.length > MAX_TOP) return undefined;
  const procs: AlertTopProcess[] = [];
  for (const p of top as unknown[]) {
    const proc = validTop(p);
    if (!proc) return undefined;
    procs.push(proc);
  }
  if (culprits !== undefined && (!Array.isArray(culprits) || culprits.length > MAX_CULPRITS || !culprits.every((c) => boundedText(c, MAX_CULPRIT)))) {
    return undefined;
  }
  return { kind, rule, value, since, at, top: procs, ...(culprits !== undefined ? { culprits: culprits as string[] } : {}) };
}

function validTop(x: unknown): AlertTopProcess | undefined {
  if (typeof x !== 'object' || x === null) return undefined;
  const { pid, name, user, cpu, rss } = x as Record<string, unknown>;
  if (typeof pid !== 'number' || !Number.isSafeInteger(pid) || pid < 0) return undefined;
  if (!boundedText(name, MAX_NAME) || !boundedText(user, MAX_USER)) return undefined;
  if (typeof cpu !== 'number' || !Number.isFinite(cpu) || cpu < 0 || typeof rss !== 'number' || !Number.isFinite(rss) || rss < 0) return undefined;
  return { pid, name, user, cpu, rss };
}

/** Alert events in time order; those of one instant keep the order they were stored in. */
export function alertEventsInOrder(events: Iterable<AlertEvent>): AlertEvent[] {
  return [...events].sort((a, b) => a.at - b.at);
}
