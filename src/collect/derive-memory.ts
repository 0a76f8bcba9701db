import type { MemoryStats } from '../core/sample.js';
import type { RawSnapshot } from './raw.js';

/** A counter's increase; one that went backwards (a cgroup recreated) counts as none. */
function delta(cur: number, prev: number): number {
  return cur > prev ? cur - prev : 0;
}

/**
 * The memory figures of a sample. With a cgroup limit below RAM they are the
 * cgroup's: total is the limit, used its working set (usage less inactive file
 * cache, as the machine's used leaves out what the kernel can reclaim), and the
 * OOM kills and limit hits are its own. Without one, /proc/meminfo's, and the
 * machine's OOM kills from /proc/vmstat. Pure.
 */
export function deriveMemory(prev: RawSnapshot | null, cur: RawSnapshot): MemoryStats {
  const m = cur.mem;
  const cg = cur.cgroup ?? null;
  const w = cur.window;
  const machineSwapUsed = Math.max(0, m.swapTotal - m.swapFree);
  let out: MemoryStats;
  if (cg) {
    const used = Math.max(0, cg.usage - cg.inactiveFile);
    const swapTotal = Math.min(cg.swapLimit, m.swapTotal);
    out = {
      total: cg.limit,
      used,
      available: Math.max(0, cg.limit - used),
      free: Math.max(0, cg.limit - cg.usage),
      cached: cg.file,
      buffers: 0,
      swapTotal,
      swapUsed: Math.min(swapTotal, cg.swapUsage ?? machineSwapUsed),
      usedMin: used,
      usedMax: used,
      limit: cg.limit,
    };
  } else {
    const used = m.total - m.available;
    out = {
      total: m.total,
      used,
      available: m.available,
      free: m.free,
      cached: m.cached,
      buffers: m.buffers,
      swapTotal: m.swapTotal,
      swapUsed: machineSwapUsed,
      usedMin: used,
      usedMax: used,
    };
  }
  // The tick's own value is inside the interval too.
  if (w) {
    out.usedMin = Math.min(w.usedMin, out.used);
    out.usedMax = Math.max(w.usedMax, out.used);
  }
  let kills = 0;
  let hits = 0;
  const before = prev?.cgroup;
  if (cg && before && before.level === cg.level) {
    kills = delta(cg.oomKills, before.oomKills);
    hits = Math.max(delta(cg.limitHits, before.limitHits), cg.underOom ? 1 : 0);
  } else if (!cg && prev && !before && typeof cur.oomKills === 'number' && typeof prev.oomKills === 'number') {
    kills = delta(cur.oomKills, prev.oomKills);
  }
  if (kills > 0) out.oomKills = kills;
  if (hits > 0) out.limitHits = hits;
  return out;
}
