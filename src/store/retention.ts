/**
 * Rolling files for `tmon agent --store DIR`: one file per UTC hour or day,
 * named after its period, and the pure plan of which to delete.
 */
import { formatDay, pad2 } from '../core/units.js';

export type RotateEvery = 'hour' | 'day';

const HOUR = 3_600_000;
const DAY = 86_400_000;

const NAME = /^tmon-(\d{4})-(\d{2})-(\d{2})(?:T(\d{2}))?(?:-(\d+))?\.tmon$/;

/** `tmon-2026-11-22T03.tmon` (hour) or `tmon-2026-11-22.tmon` (day); `-2`, `-3`… when a name is taken by another host's file. */
export function periodFileName(time: number, rotate: RotateEvery, attempt = 1): string {
  const day = formatDay(time, true);
  const period = rotate === 'hour' ? `${day}T${pad2(new Date(time).getUTCHours())}` : day;
  return `tmon-${period}${attempt > 1 ? `-${attempt}` : ''}.tmon`;
}

/** The period a rolling file covers, from its name; undefined for any other file (never deleted). */
export function filePeriod(name: string): { start: number; end: number } | undefined {
  const m = NAME.exec(name);
  if (!m) return undefined;
  const hour = m[4];
  const start = Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]), hour === undefined ? 0 : Number(hour));
  if (!Number.isFinite(start)) return undefined;
  return { start, end: start + (hour === undefined ? DAY : HOUR) };
}

export interface StoredFile {
  name: string;
  bytes: number;
}

export interface RetentionPolicy {
  /** Delete files whose whole period ended longer ago than this. */
  retainMs: number;
  /** Then delete the oldest until the rolling files together fit in this many bytes. */
  maxBytes: number;
}

/**
 * Which rolling files to delete, oldest first: those entirely older than the
 * retention, then the oldest until the total fits `maxBytes`. Never `current`
 * (the file being written), never a file whose name is not a rolling file's.
 */
export function planDeletions(files: readonly StoredFile[], policy: RetentionPolicy, now: number, current: string | undefined): string[] {
  const ours = files
    .map((f) => ({ ...f, period: filePeriod(f.name) }))
    .filter((f): f is StoredFile & { period: { start: number; end: number } } => f.period !== undefined)
    .sort((a, b) => a.period.start - b.period.start || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  const doomed: string[] = [];
  let total = ours.reduce((sum, f) => sum + f.bytes, 0);
  const keep: typeof ours = [];
  for (const f of ours) {
    if (f.name !== current && f.period.end <= now - policy.retainMs) {
      doomed.push(f.name);
      total -= f.bytes;
    } else keep.push(f);
  }
  for (const f of keep) {
    if (total <= policy.maxBytes) break;
    if (f.name === current) continue;
    doomed.push(f.name);
    total -= f.bytes;
  }
  return doomed;
}
