import { parseDuration } from '../src/core/units.js';

/**
 * What is typed in the page's "go to" box, as a moment (local time, as every clock
 * on the page): `2026-11-22 03:12[:05]`, `03:12[:05]` (the latest such moment at or
 * before `newest`: "last night at 3"), or `-6h` (that long before `newest`). Null when
 * it does not parse. The terminal's `g` reads more forms (src/ui/time-input.ts).
 */
export function parseGoTo(text: string, newest: number): number | null {
  const t = text.trim();
  if (t.startsWith('-')) {
    const ago = /[a-z]$/i.test(t) ? parseDuration(t.slice(1)) : null;
    return ago === null ? null : newest - ago;
  }
  const m = /^(?:(\d{4})-(\d{2})-(\d{2})[ T])?(\d{1,2}):(\d{2})(?::(\d{2}))?$/.exec(t);
  if (!m) return null;
  const [h, min, s] = [Number(m[4]), Number(m[5]), Number(m[6] ?? 0)];
  if (h > 23 || min > 59 || s > 59) return null;
  if (m[1] !== undefined) {
    const d = new Date(Number(m[1]), Number(m[2]) - 1, Number(m[3]), h, min, s);
    return d.getMonth() === Number(m[2]) - 1 ? d.getTime() : null;
  }
  const n = new Date(newest);
  const today = new Date(n.getFullYear(), n.getMonth(), n.getDate(), h, min, s).getTime();
  return today <= newest ? today : new Date(n.getFullYear(), n.getMonth(), n.getDate() - 1, h, min, s).getTime();
}
