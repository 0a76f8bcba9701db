import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const SRC = path.join(import.meta.dirname, '..', 'src');

/** Every relative import (type-only ones too) of every module under src/, as paths relative to src/. */
function importGraph(): Map<string, string[]> {
  const graph = new Map<string, string[]>();
  const files = (fs.readdirSync(SRC, { recursive: true }) as string[]).filter((f) => f.endsWith('.ts'));
  for (const file of files) {
    const text = fs.readFileSync(path.join(SRC, file), 'utf8');
    const deps = [...text.matchAll(/(?:^|\n)\s*(?:import|export)\b[^;]*?\bfrom\s+'(\.[^']+)'|\bimport\(\s*'(\.[^']+)'\s*\)/g)].map((m) => {
      const spec = (m[1] ?? m[2]) as string;
      return path.normalize(path.join(path.dirname(file), spec)).replace(/\.js$/, '.ts');
    });
    graph.set(path.normalize(file), deps);
  }
  return graph;
}

/** One cycle per strongly connected knot found by depth-first search, as a path a → … → a. */
function cycles(graph: Map<string, string[]>): string[][] {
  const found: string[][] = [];
  const state = new Map<string, 'open' | 'done'>();
  const stack: string[] = [];
  const visit = (node: string): void => {
    state.set(node, 'open');
    stack.push(node);
    for (const next of graph.get(node) ?? []) {
      if (state.get(next) === 'open') found.push([...stack.slice(stack.indexOf(next)), next]);
      else if (!state.has(next)) visit(next);
    }
    stack.pop();
    state.set(node, 'done');
  };
  for (const node of graph.keys()) if (!state.has(node)) visit(node);
  return found;
}

/** ARCHITECTURE.md's layer table: each `layer/` row and the layers its last cell lets it import ('everything': null). */
function layerTable(): Map<string, string[] | null> {
  const doc = fs.readFileSync(path.join(SRC, '..', 'ARCHITECTURE.md'), 'utf8');
  const table = new Map<string, string[] | null>();
  for (const m of doc.matchAll(/^\| `(\w+)\/` \|.*\| ([^|]+) \|$/gm)) {
    const allowed = m[2] as string;
    table.set(m[1] as string, allowed.trim() === 'everything' ? null : [...allowed.matchAll(/`(\w+)`/g)].map((a) => a[1] as string));
  }
  return table;
}

/** Imports from one src/ folder into another that the table does not allow, as "from → to". */
function layerViolations(graph: Map<string, string[]>, table: Map<string, string[] | null>): string[] {
  const folder = (file: string): string | undefined => (file.includes(path.sep) ? file.split(path.sep)[0] : undefined);
  const out: string[] = [];
  for (const [file, deps] of graph) {
    const from = folder(file);
    if (from === undefined) continue;
    const allowed = table.get(from);
    if (allowed === null) continue;
    for (const dep of deps) {
      const to = folder(dep);
      if (to !== undefined && to !== from && !(allowed ?? []).includes(to)) out.push(`${file} → ${dep}`);
    }
  }
  return out;
}

describe('the layer table of ARCHITECTURE.md', () => {
  it('names every folder of src/, and every import between folders is one it allows', () => {
    const table = layerTable();
    const folders = fs.readdirSync(SRC, { withFileTypes: true }).filter((d) => d.isDirectory()).map((d) => d.name);
    expect([...table.keys()].sort()).toEqual(folders.sort());
    expect(layerViolations(importGraph(), table)).toEqual([]);
  });

  it('catches an import the table does not allow (the check itself works)', () => {
    const table = new Map<string, string[] | null>([
      ['core', []],
      ['ui', ['core']],
      ['commands', null],
    ]);
    const graph = new Map([
      [path.join('ui', 'a.ts'), [path.join('core', 'b.ts'), path.join('commands', 'c.ts'), path.join('ui', 'd.ts')]],
      [path.join('commands', 'c.ts'), [path.join('ui', 'a.ts')]],
    ]);
    expect(layerViolations(graph, table)).toEqual([`${path.join('ui', 'a.ts')} → ${path.join('commands', 'c.ts')}`]);
  });
});

describe('the module graph', () => {
  it('has no import cycle, type-only imports included', () => {
    const graph = importGraph();
    expect(graph.size).toBeGreaterThan(50);
    expect(cycles(graph).map((c) => c.join(' → '))).toEqual([]);
  });

  it('finds a cycle when there is one (the check itself works)', () => {
    const graph = new Map([
      ['a.ts', ['b.ts']],
      ['b.ts', ['c.ts']],
      ['c.ts', ['a.ts']],
      ['d.ts', ['a.ts']],
    ]);
    expect(cycles(graph)).toEqual([['a.ts', 'b.ts', 'c.ts', 'a.ts']]);
  });
});
