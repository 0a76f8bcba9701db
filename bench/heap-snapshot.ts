/**
 * Reads a V8 heap snapshot (`node --heapsnapshot-signal`) and says where the
 * heap goes: self and retained size by constructor (objects) or node type
 * (strings, arrays, code…). Retained sizes come from the dominator tree
 * (Cooper–Harvey–Kennedy over the strong edges), as DevTools computes them.
 */
import fs from 'node:fs';

interface Snapshot {
  snapshot: { meta: { node_fields: string[]; node_types: [string[]]; edge_fields: string[]; edge_types: [string[]] } };
  nodes: number[];
  edges: number[];
  strings: string[];
}

export interface HeapRow {
  name: string;
  count: number;
  selfBytes: number;
  /** Bytes only reachable through objects of this name, counting nested ones once. */
  retainedBytes: number;
}

export interface HeapSummary {
  totalBytes: number;
  rows: HeapRow[];
}

export function summariseHeapSnapshot(file: string): HeapSummary {
  const snap = JSON.parse(fs.readFileSync(file, 'utf8')) as Snapshot;
  const { node_fields: nf, node_types: nt, edge_fields: ef, edge_types: et } = snap.snapshot.meta;
  const N = nf.length;
  const E = ef.length;
  const types = nt[0];
  const edgeTypes = et[0];
  const iType = nf.indexOf('type');
  const iName = nf.indexOf('name');
  const iSelf = nf.indexOf('self_size');
  const iEdges = nf.indexOf('edge_count');
  const eType = ef.indexOf('type');
  const eTo = ef.indexOf('to_node');
  const weak = edgeTypes.indexOf('weak');
  const shortcut = edgeTypes.indexOf('shortcut');
  const { nodes, edges, strings } = snap;
  const count = nodes.length / N;

  // Strong successors of each node (edges are laid out node after node).
  const firstEdge = new Uint32Array(count + 1);
  for (let n = 0, e = 0; n < count; n++) {
    firstEdge[n] = e;
    e += (nodes[n * N + iEdges] as number) * E;
  }
  firstEdge[count] = edges.length;
  const strong = (e: number): boolean => edges[e + eType] !== weak && edges[e + eType] !== shortcut;

  // Post-order from the root (node 0), iteratively.
  const order = new Int32Array(count).fill(-1);
  const post: number[] = [];
  const stack: number[] = [0];
  const cursor = new Uint32Array(count);
  const seen = new Uint8Array(count);
  seen[0] = 1;
  for (let n = 0; n < count; n++) cursor[n] = firstEdge[n] as number;
  while (stack.length > 0) {
    const n = stack[stack.length - 1] as number;
    const end = firstEdge[n + 1] as number;
    let pushed = false;
    while ((cursor[n] as number) < end) {
      const e = cursor[n] as number;
      cursor[n] = e + E;
      if (!strong(e)) continue;
      const to = (edges[e + eTo] as number) / N;
      if (seen[to]) continue;
      seen[to] = 1;
      stack.push(to);
      pushed = true;
      break;
    }
    if (!pushed) {
      stack.pop();
      order[n] = post.length;
      post.push(n);
    }
  }

  // Predecessors of reachable nodes.
  const preds: number[][] = Array.from({ length: count }, () => []);
  for (let n = 0; n < count; n++) {
    if (!seen[n]) continue;
    for (let e = firstEdge[n] as number; e < (firstEdge[n + 1] as number); e += E) {
      if (strong(e)) (preds[(edges[e + eTo] as number) / N] as number[]).push(n);
    }
  }

  const idom = new Int32Array(count).fill(-1);
  idom[0] = 0;
  const intersect = (a: number, b: number): number => {
    while (a !== b) {
      while ((order[a] as number) < (order[b] as number)) a = idom[a] as number;
      while ((order[b] as number) < (order[a] as number)) b = idom[b] as number;
    }
    return a;
  };
  for (let changed = true; changed; ) {
    changed = false;
    for (let k = post.length - 2; k >= 0; k--) {
      const n = post[k] as number;
      let d = -1;
      for (const p of preds[n] as number[]) {
        if (idom[p] === -1) continue;
        d = d === -1 ? p : intersect(p, d);
      }
      if (d !== -1 && idom[n] !== d) {
        idom[n] = d;
        changed = true;
      }
    }
  }

  const retained = new Float64Array(count);
  for (let n = 0; n < count; n++) retained[n] = nodes[n * N + iSelf] as number;
  for (const n of post) if (n !== 0 && (idom[n] as number) >= 0) retained[idom[n] as number] = (retained[idom[n] as number] as number) + (retained[n] as number);

  const nameOf = (n: number): string => {
    const type = types[nodes[n * N + iType] as number] as string;
    return type === 'object' || type === 'native' ? (strings[nodes[n * N + iName] as number] as string) : `(${type})`;
  };
  const names = new Array<string>(count);
  for (let n = 0; n < count; n++) names[n] = nameOf(n);
  const rows = new Map<string, HeapRow>();
  let totalBytes = 0;
  for (let n = 0; n < count; n++) {
    if (!seen[n]) continue;
    const name = names[n] as string;
    const self = nodes[n * N + iSelf] as number;
    totalBytes += self;
    let row = rows.get(name);
    if (!row) rows.set(name, (row = { name, count: 0, selfBytes: 0, retainedBytes: 0 }));
    row.count++;
    row.selfBytes += self;
    // Count a node's retained size only when no dominator above it has the same name.
    let up = idom[n] as number;
    while (up > 0 && names[up] !== name) up = idom[up] as number;
    if (up <= 0) row.retainedBytes += retained[n] as number;
  }
  return { totalBytes, rows: [...rows.values()] };
}

/** The summary as a markdown table: the `top` rows by retained size and by self size. */
export function heapTable(summary: HeapSummary, top = 12): string[] {
  const mb = (b: number): string => (b / 1048576).toFixed(2);
  const byRetained = [...summary.rows].sort((a, b) => b.retainedBytes - a.retainedBytes).slice(0, top);
  const bySelf = [...summary.rows].sort((a, b) => b.selfBytes - a.selfBytes).slice(0, top);
  const names = [...new Set([...byRetained, ...bySelf])];
  return [
    `JS heap in the snapshot: ${mb(summary.totalBytes)} MB. Top ${top} by retained size and by self size:`,
    '',
    '| constructor / type | count | self MB | retained MB |',
    '| --- | ---: | ---: | ---: |',
    ...names.map((r) => `| ${r.name.replace(/\|/g, '\\|').slice(0, 60)} | ${r.count} | ${mb(r.selfBytes)} | ${mb(r.retainedBytes)} |`),
  ];
}
