/**
 * The process table as a tree (htop's F5): each process under its parent,
 * siblings in the table's order, a collapsed process's descendants hidden.
 * A process whose parent is not in the list (the filter hid it, or the sample
 * is a selection) is a root. Built without recursion, and a parent loop (only
 * possible in data from a peer) still lists every process once.
 */
import { processKey, type ProcessStats } from '../core/sample.js';

export interface TreeRow {
  process: ProcessStats;
  depth: number;
  /** The branch lines before the name: "│  ├─ ". */
  prefix: string;
  /** Direct children in the list (shown or not). */
  children: number;
  /** Its descendants are hidden. */
  collapsed: boolean;
}

/** Deeper levels draw no more indent: a chain of hundreds of processes must not push names off screen. */
const MAX_INDENT_DEPTH = 12;

export function processTree(
  processes: readonly ProcessStats[],
  order: (a: ProcessStats, b: ProcessStats) => number,
  collapsed: ReadonlySet<string>,
): TreeRow[] {
  const parentOf = new Map<number, ProcessStats>();
  // A pid seen twice (an exited process and its successor) parents through the live one.
  for (const p of processes) if (!parentOf.has(p.pid) || p.exited !== true) parentOf.set(p.pid, p);
  const kids = new Map<ProcessStats, ProcessStats[]>();
  const roots: ProcessStats[] = [];
  for (const p of processes) {
    const parent = p.ppid !== p.pid ? parentOf.get(p.ppid) : undefined;
    if (parent && parent !== p) {
      const list = kids.get(parent);
      if (list) list.push(p);
      else kids.set(parent, [p]);
    } else roots.push(p);
  }
  for (const list of kids.values()) list.sort(order);
  const out: TreeRow[] = [];
  const seen = new Set<ProcessStats>();
  const walk = (root: ProcessStats): void => {
    const stack: { p: ProcessStats; depth: number; indent: string; last: boolean; hidden: boolean }[] = [{ p: root, depth: 0, indent: '', last: true, hidden: false }];
    while (stack.length > 0) {
      const { p, depth, indent, last, hidden } = stack.pop() as (typeof stack)[number];
      if (seen.has(p)) continue;
      seen.add(p);
      const children = kids.get(p) ?? [];
      const isCollapsed = children.length > 0 && collapsed.has(processKey(p));
      if (!hidden) out.push({ process: p, depth, prefix: depth === 0 ? '' : `${indent}${last ? '└─ ' : '├─ '}`, children: children.length, collapsed: isCollapsed });
      const childIndent = depth === 0 || depth >= MAX_INDENT_DEPTH ? indent : `${indent}${last ? '   ' : '│  '}`;
      // A collapsed process's descendants are walked unseen, so they are not taken for members of a loop below.
      for (let i = children.length - 1; i >= 0; i--) {
        stack.push({ p: children[i] as ProcessStats, depth: depth + 1, indent: childIndent, last: i === children.length - 1, hidden: hidden || isCollapsed });
      }
    }
  };
  for (const r of [...roots].sort(order)) walk(r);
  // Members of a parent loop have no root: each starts a tree of its own.
  for (const p of [...processes].sort(order)) if (!seen.has(p)) walk(p);
  return out;
}
