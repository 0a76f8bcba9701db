/**
 * Reaped children's CPU, charged once. When a child is reaped the kernel adds
 * its whole lifetime CPU (its own plus what it reaped in turn) to the parent's
 * cutime+cstime at once. A child tmon saw is already shown on itself, so its
 * parent is charged only the rest: the CPU of children tmon never saw, and the
 * last stretch of the seen ones after their last sighting. Pure.
 */
import { intervalTicks } from './interval-ticks.js';
import type { ChildCarry, ChildTicks, RawProcess, RawSnapshot } from './raw.js';

export function noChildTicks(): ChildTicks {
  return { unseen: new Map(), carry: new Map() };
}

/** A process's lifetime CPU including what it reaped: what its parent's cutime+cstime gains when it is reaped. */
function lifetimeTicks(p: RawProcess): number {
  return p.utime + p.stime + p.cutime + p.cstime;
}

const keyOf = (p: RawProcess): string => `${p.pid}:${p.startTicks}`;

/**
 * The part of a parent's child-time increase that is not credited to seen
 * children, and the fresh credit left over (carried to the next interval).
 * `carried` (last interval's leftover) is used up first.
 */
export function splitChildTicks(increase: number, fresh: number, carried: number): { unseen: number; leftover: number } {
  const afterCarried = Math.max(0, increase - carried);
  return { unseen: Math.max(0, afterCarried - fresh), leftover: Math.max(0, fresh - afterCarried) };
}

/** Depth of a gone process under other gone processes (its gone parent, grandparent…), bounded. */
function goneDepth(p: RawProcess, goneByPid: Map<number, RawProcess>): number {
  let depth = 0;
  for (let up = goneByPid.get(p.ppid); up && up !== p && depth < 64; up = goneByPid.get(up.ppid)) depth++;
  return depth;
}

/**
 * Splits each process's cutime+cstime increase between `prev` and `cur`. The
 * seen children gone in between are those of `prev` missing from `cur` plus
 * `cur.exited`, each credited to its parent with its counters at its last
 * sighting. A gone parent passes on the credit its own last counters did not
 * take in (it reaped the child after it was last seen): its final counters
 * reach its own parent.
 */
export function reapedChildTicks(prev: RawSnapshot | null, cur: RawSnapshot): ChildTicks {
  if (!prev) return noChildTicks();
  // The last sighting of every seen process that is gone: the tick before, or a later burst scan.
  const gone = new Map<string, RawProcess>();
  for (const p of prev.processes.values()) {
    const now = cur.processes.get(p.pid);
    if (!now || now.startTicks !== p.startTicks) gone.set(keyOf(p), p);
  }
  for (const p of cur.exited) gone.set(keyOf(p), p);
  const goneByPid = new Map([...gone.values()].map((p) => [p.pid, p]));
  const sightedInInterval = new Set(cur.exited);

  const unseen = new Map<RawProcess, number>();
  const fresh = new Map<number, number>();
  const take = (pid: number): number => {
    const f = fresh.get(pid) ?? 0;
    // A credit is used by one process only (a PID reused within the interval is another one).
    fresh.delete(pid);
    return f;
  };
  // Children before their parents, so a gone parent knows what reached it before passing it on.
  const deepestFirst = [...gone.values()].sort((a, b) => goneDepth(b, goneByPid) - goneDepth(a, goneByPid));
  for (const g of deepestFirst) {
    let passOn = take(g.pid);
    if (sightedInInterval.has(g)) {
      const split = splitChildTicks(intervalTicks(prev, g, cur.stat.btime).children, passOn, 0);
      if (split.unseen > 0) unseen.set(g, split.unseen);
      passOn = split.leftover;
    }
    fresh.set(g.ppid, (fresh.get(g.ppid) ?? 0) + lifetimeTicks(g) + passOn);
  }

  const carry: ChildCarry = new Map();
  for (const p of cur.processes.values()) {
    const c = prev.childTicks.carry.get(p.pid);
    const split = splitChildTicks(intervalTicks(prev, p, cur.stat.btime).children, take(p.pid), c && c.startTicks === p.startTicks ? c.ticks : 0);
    if (split.unseen > 0) unseen.set(p, split.unseen);
    if (split.leftover > 0) carry.set(p.pid, { startTicks: p.startTicks, ticks: split.leftover });
  }
  return { unseen, carry };
}
