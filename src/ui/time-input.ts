import { parseDuration } from '../core/units.js';

/**
 * What a person types after `g` (go to a time), turned into a moment. Local time,
 * like every clock the dashboard shows.
 *
 *   03:12  03:12:05        that time of day, on the day nearest the cursor
 *   2026-11-22 03:12:05    a full date and time (seconds optional, `T` allowed)
 *   2026-11-22             midnight at the start of that day
 *   -2h  -90s  -1h30m      that long before the newest sample ("2 hours ago")
 *   start  end  now        the first or the newest sample
 */
export interface TimeContext {
  /** Where the cursor is now: a bare time of day means the occurrence nearest it. */
  cursor: number;
  /** Time of the oldest and the newest sample. */
  first: number;
  last: number;
}

/** The moment `text` names, in ms since epoch; null when it does not parse. */
export function parseTimeInput(text: string, ctx: TimeContext): number | null {
  const t = text.trim().toLowerCase();
  if (t === 'start') return ctx.first;
  if (t === 'end' || t === 'now') return ctx.last;
  if (t.startsWith('-')) {
    // "-2h", "-1h30m": a unit is required here, a bare "-5" says nothing of how long.
    const ago = /[a-z]$/.test(t) ? parseDuration(t.slice(1)) : null;
    return ago === null ? null : ctx.last - ago;
  }
  const date = /^(\d{4})-(\d{2})-(\d{2})(?:[ t](.+))?$/.exec(t);
  if (date) {
    const [y, mo, d] = [Number(date[1]), Number(date[2]), Number(date[3])];
    const tod = date[4] === undefined ? [0, 0, 0] : parseTimeOfDay(date[4]);
    if (!tod || !validDate(y, mo, d)) return null;
    return new Date(y, mo - 1, d, tod[0], tod[1], tod[2]).getTime();
  }
  const tod = parseTimeOfDay(t);
  if (!tod) return null;
  // Of that time yesterday, today and tomorrow (as seen from the cursor), the nearest:
  // a recording that crosses midnight still finds 23:50 and 00:10.
  const c = new Date(ctx.cursor);
  let best: number | null = null;
  for (const dayOffset of [-1, 0, 1]) {
    const candidate = new Date(c.getFullYear(), c.getMonth(), c.getDate() + dayOffset, tod[0], tod[1], tod[2]).getTime();
    if (best === null || Math.abs(candidate - ctx.cursor) < Math.abs(best - ctx.cursor)) best = candidate;
  }
  return best;
}

/** "03:12" or "03:12:05" → [h, m, s]; null for anything else or out of range. */
function parseTimeOfDay(text: string): [number, number, number] | null {
  const m = /^(\d{1,2}):(\d{2})(?::(\d{2}))?$/.exec(text.trim());
  if (!m) return null;
  const h = Number(m[1]);
  const min = Number(m[2]);
  const s = Number(m[3] ?? 0);
  if (h > 23 || min > 59 || s > 59) return null;
  return [h, min, s];
}

/** "2h", "1h30m", "90s", "1.5h" → ms; null unless the whole text is amounts with units. */
function validDate(y: number, mo: number, d: number): boolean {
  if (mo < 1 || mo > 12 || d < 1) return false;
  return d <= new Date(y, mo, 0).getDate();
}
