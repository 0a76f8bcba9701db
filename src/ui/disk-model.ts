/**
 * The disk panel's content: space per mount, fullest first (a full disk is what
 * a glance at it is for), then read and write rates per disk device. Pure.
 */
import type { Sample } from '../core/sample.js';
import { formatBytes } from '../core/units.js';
import { displayWidth, fitWidth, padWidth } from '../core/text-width.js';

/** A mount this full is drawn in the warning colour, this much fuller in the critical one. */
export const FULL_WARNING_PCT = 90;
export const FULL_CRITICAL_PCT = 97;

export interface DiskLine {
  text: string;
  /** The mount's used share in percent; null for a device's I/O line. */
  usedPct: number | null;
}

/** `/home   41.0G/98.0G  42% ████░░░░` per mount, then `sda   read 1.2M/s  write 300K/s` per disk. */
export function diskLines(s: Sample | undefined, width: number): DiskLine[] {
  if (!s || width <= 0) return [];
  const mounts = s.filesystems
    .filter((f) => f.sizeBytes > 0)
    .map((f) => ({ name: f.mount, usedPct: (f.usedBytes / f.sizeBytes) * 100, figure: `${formatBytes(f.usedBytes)}/${formatBytes(f.sizeBytes)}` }))
    .sort((a, b) => b.usedPct - a.usedPct);
  const names = [...mounts.map((m) => m.name), ...s.disks.map((d) => d.device)];
  // The name column: as wide as the longest name, but never more than a third of the line.
  const nameWidth = Math.max(4, Math.min(Math.max(0, ...names.map(displayWidth)), Math.floor(width / 3)));
  const name = (n: string): string => padWidth(n, nameWidth);
  const out: DiskLine[] = mounts.map((m) => {
    const head = `${name(m.name)} ${m.figure.padStart(11)} ${`${Math.round(m.usedPct)}%`.padStart(4)}`;
    const barWidth = width - displayWidth(head) - 1;
    return { text: barWidth >= 4 ? `${head} ${bar(m.usedPct, barWidth)}` : fitWidth(head, width), usedPct: m.usedPct };
  });
  // Narrow, `r`/`w` so both rates fit.
  const [read, write] = width >= nameWidth + 30 ? ['read', 'write'] : ['r', 'w'];
  for (const d of s.disks) {
    out.push({ text: fitWidth(`${name(d.device)} ${read} ${`${formatBytes(d.readBytesPerSec)}/s`.padStart(7)}  ${write} ${`${formatBytes(d.writeBytesPerSec)}/s`.padStart(7)}`, width), usedPct: null });
  }
  return out;
}

function bar(pct: number, width: number): string {
  const filled = Math.min(width, Math.max(0, Math.round((pct / 100) * width)));
  return '█'.repeat(filled) + '░'.repeat(width - filled);
}
