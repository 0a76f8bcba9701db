import type { AlertEvent } from '../core/alert-event.js';
import { MAX_ALERT_EVENTS, type AlertSource, type AlertTransition, type AlertView } from './alert-board.js';

/** A rule firing at some moment of a recording, and since when. */
export interface FiringAt {
  rule: string;
  /** When its condition began to hold. */
  since: number;
  /** When it started firing (its firing event). */
  firedAt: number;
  /** The value that made it fire. */
  value: string;
}

/**
 * The rules firing at `time`, from a recording's alert events (any order): a
 * rule fires there when its last event at or before `time` is a firing one.
 * Sorted by when they started firing, then by rule.
 */
export function firingAt(events: readonly AlertEvent[], time: number): FiringAt[] {
  const last = new Map<string, AlertEvent>();
  for (const e of events) {
    if (e.at > time) continue;
    const seen = last.get(e.rule);
    // Of two events at one instant the one given later wins: recordings list them as written.
    if (!seen || e.at >= seen.at) last.set(e.rule, e);
  }
  return [...last.values()]
    .filter((e) => e.kind === 'firing')
    .map((e) => ({ rule: e.rule, since: e.since, firedAt: e.at, value: e.value }))
    .sort((a, b) => a.firedAt - b.firedAt || (a.rule < b.rule ? -1 : a.rule > b.rule ? 1 : 0));
}

/**
 * A recording's alerts for the alerts panel of a replay: every rule its events
 * name, those firing at the cursor, and the changes up to it (the newest
 * MAX_ALERT_EVENTS). `events` in time order, as `Recording.alertEvents()` gives them.
 */
export function recordedAlerts(events: readonly AlertEvent[]): AlertSource {
  const rules = [...new Set(events.map((e) => e.rule))];
  return {
    rules,
    at(time: number): AlertView {
      let upTo = 0;
      while (upTo < events.length && (events[upTo] as AlertEvent).at <= time) upTo++;
      const transitions: AlertTransition[] = events
        .slice(Math.max(0, upTo - MAX_ALERT_EVENTS), upTo)
        .map((e) => ({ kind: e.kind === 'firing' ? 'fired' : 'resolved', rule: e.rule, at: e.at, value: e.value }));
      const firing = firingAt(events.slice(0, upTo), time).map((f) => ({ rule: f.rule, since: f.since, value: f.value }));
      return { rules, firing, transitions, log: [], asOf: time };
    },
  };
}
