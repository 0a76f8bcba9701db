const BYTE_UNITS = ['B', 'K', 'M', 'G', 'T', 'P'];

/** 1536 → "1.5K", 3.2e9 → "3.0G": htop-style, binary multiples, at most 4 characters of number. */
export function formatBytes(bytes: number): string {
  if (!Number.isFinite(bytes) || bytes < 0) return '-';
  let v = bytes;
  let u = 0;
  while (v >= 1024 && u < BYTE_UNITS.length - 1) {
    v /= 1024;
    u++;
  }
  const digits = u === 0 || v >= 100 ? 0 : 1;
  return `${v.toFixed(digits)}${BYTE_UNITS[u]}`;
}

export function formatPercent(pct: number): string {
  if (!Number.isFinite(pct)) return '-';
  return pct >= 100 ? `${Math.round(pct)}%` : `${pct.toFixed(1)}%`;
}

/** A sampling interval as set: 250 → "250ms", 1000 → "1.0s" (formatDuration would round 250 ms to "0.3s"). */
export function formatInterval(ms: number): string {
  return Number.isFinite(ms) && ms >= 0 && ms < 1000 ? `${Math.round(ms)}ms` : formatDuration(ms);
}

/** A round trip: 0.42 → "0.4ms", 37.6 → "38ms", 1520 → "1.5s". */
export function formatRoundTrip(ms: number): string {
  if (!Number.isFinite(ms) || ms < 0) return '-';
  return ms >= 1000 ? `${(ms / 1000).toFixed(1)}s` : ms >= 10 ? `${Math.round(ms)}ms` : `${ms.toFixed(1)}ms`;
}

/** 3725000 → "1h02m", 65000 → "1m05s", 800 → "0.8s". */
export function formatDuration(ms: number): string {
  if (!Number.isFinite(ms) || ms < 0) return '-';
  if (ms < 10_000) return `${(ms / 1000).toFixed(1)}s`;
  const s = Math.round(ms / 1000);
  if (s < 60) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m}m${String(s % 60).padStart(2, '0')}s`;
  const h = Math.floor(m / 60);
  if (h < 48) return `${h}h${String(m % 60).padStart(2, '0')}m`;
  return `${Math.floor(h / 24)}d${String(h % 24).padStart(2, '0')}h`;
}

/** Two digits, "03": every date and time tmon writes pads its fields so. */
export function pad2(n: number): string {
  return String(n).padStart(2, '0');
}

/** Wall-clock time of day, "03:12:05": local, or UTC. */
export function formatClock(ms: number, utc = false): string {
  const d = new Date(ms);
  return utc
    ? `${pad2(d.getUTCHours())}:${pad2(d.getUTCMinutes())}:${pad2(d.getUTCSeconds())}`
    : `${pad2(d.getHours())}:${pad2(d.getMinutes())}:${pad2(d.getSeconds())}`;
}

/** Calendar day, "2026-11-19" (the form the g prompt reads back): local, or UTC. */
export function formatDay(ms: number, utc = false): string {
  const d = new Date(ms);
  return utc
    ? `${d.getUTCFullYear()}-${pad2(d.getUTCMonth() + 1)}-${pad2(d.getUTCDate())}`
    : `${d.getFullYear()}-${pad2(d.getMonth() + 1)}-${pad2(d.getDate())}`;
}

/** The units parseDuration reads, in ms. */
export const DURATION_UNIT_MS: Readonly<Record<string, number>> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 };

/**
 * "1h", "30m", "7d", "500ms", "1h30m", or a bare number of seconds ("1.5") →
 * milliseconds; null when it does not parse. Flags and the `g` prompt share it.
 */
export function parseDuration(text: string): number | null {
  const t = text.trim();
  if (/^\d+(?:\.\d+)?$/.test(t)) return Number(t) * 1000;
  if (!/^(?:\d+(?:\.\d+)?(?:ms|s|m|h|d|w))+$/.test(t)) return null;
  let total = 0;
  for (const part of t.matchAll(/(\d+(?:\.\d+)?)(ms|s|m|h|d|w)/g)) total += Number(part[1]) * (DURATION_UNIT_MS[part[2] as string] as number);
  return total;
}

/** "1GB", "500M", "2g", "1024" → bytes (binary multiples); null when it does not parse. */
export function parseBytes(text: string): number | null {
  const m = /^(\d+(?:\.\d+)?)\s*([kmgt]?)(i?b)?$/i.exec(text.trim());
  if (!m) return null;
  const exp = ['', 'k', 'm', 'g', 't'].indexOf((m[2] ?? '').toLowerCase());
  return Math.round(Number(m[1]) * 1024 ** exp);
}
