import { describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

/** What `npm pack` ships is what `npx tmon` runs: the bin, the built code and its runtime dependencies. */
describe('the npm package', () => {
  const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as {
    name: string;
    bin: Record<string, string>;
    engines: { node: string };
    dependencies: Record<string, string>;
  };

  it('is tmon with a tmon bin on Node 20 or later', () => {
    expect(pkg.name).toBe('tmon');
    expect(pkg.bin['tmon']).toBe('bin/tmon.js');
    expect(pkg.engines.node).toBe('>=20');
  });

  it('packs the bin, every built command and the service unit, and no tests', () => {
    const out = execFileSync('npm', ['pack', '--dry-run', '--json'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
    const files = (JSON.parse(out) as { files: { path: string }[] }[])[0]?.files.map((f) => f.path) ?? [];
    for (const f of ['bin/tmon.js', 'dist/cli.js', 'deploy/tmon-agent.service', 'package.json', 'README.md']) {
      expect(files).toContain(f);
    }
    for (const verb of ['dashboard', 'agent', 'connect', 'record', 'replay', 'spikes', 'export', 'overview']) {
      expect(files).toContain(`dist/commands/${verb}.js`);
    }
    expect(files.filter((f) => f.startsWith('test/') || f.startsWith('src/'))).toEqual([]);
  });

  it('needs at run time only what it declares', () => {
    expect(Object.keys(pkg.dependencies).sort()).toEqual(['blessed', 'blessed-contrib', 'systeminformation', 'ws']);
  });
});
