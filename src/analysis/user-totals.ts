import type { ProcessStats } from '../core/sample.js';

export interface UserTotal {
  user: string;
  uid: number;
  /** Sum of the user's processes' CPU, percent of one core (can exceed 100). */
  cpu: number;
  /** Sum of the user's processes' RSS, bytes. Shared pages count once per process, as in top. */
  rss: number;
  processes: number;
}

/**
 * CPU and memory per user, for every user found among `processes`, busiest first.
 * Grouped by uid (a name can map to several uids in odd setups; the uid is the truth).
 * Each total is exactly the sum of that user's processes as given — over the wire
 * that is the selection the sample carries, not the whole machine.
 */
export function userTotals(processes: readonly ProcessStats[]): UserTotal[] {
  const byUid = new Map<number, UserTotal>();
  for (const p of processes) {
    let t = byUid.get(p.uid);
    if (!t) {
      t = { user: p.user, uid: p.uid, cpu: 0, rss: 0, processes: 0 };
      byUid.set(p.uid, t);
    }
    t.cpu += p.cpu;
    t.rss += p.rss;
    t.processes++;
  }
  return [...byUid.values()].sort((a, b) => b.cpu - a.cpu || b.rss - a.rss || a.uid - b.uid);
}
