import { execFileSync } from 'node:child_process';
import { readFileSync, readdirSync } from 'node:fs';
import { builtinModules } from 'node:module';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = path.join(import.meta.dirname, '..');

/** What `npm pack` ships is what `npx tmon` runs: the bin, the built code and its runtime dependencies. */
describe('the npm package', () => {
  const pkg = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as {
    bin: Record<string, string>;
    engines: { node: string };
    dependencies: Record<string, string>;
  };
  const sources = (readdirSync(path.join(ROOT, 'src'), { recursive: true }) as string[])
    .filter((f) => f.endsWith('.ts'))
    .map((f) => readFileSync(path.join(ROOT, 'src', f), 'utf8'));

  it('declares the Node version the code needs: zlib.crc32 arrived in 20.15', () => {
    const min = /^>=(\d+)\.(\d+)/.exec(pkg.engines.node);
    expect(min, pkg.engines.node).not.toBeNull();
    const [major, minor] = [Number(min?.[1]), Number(min?.[2])];
    if (sources.some((s) => /\bcrc32\(/.test(s))) expect(major > 20 || (major === 20 && minor >= 15), pkg.engines.node).toBe(true);
  });

  it('declares every package the code imports at run time, and no other', () => {
    const builtins = new Set(builtinModules);
    const imported = new Set<string>();
    for (const s of sources) {
      for (const m of s.matchAll(/(?:^|\n)\s*import\s+(?!type\b)[^;]*?from\s+'([^'.][^']*)'|\b(?:import|require)\(\s*'([^'.][^']*)'\s*\)/g)) {
        const spec = (m[1] ?? m[2]) as string;
        if (spec.startsWith('node:') || builtins.has(spec)) continue;
        imported.add(spec.startsWith('@') ? spec.split('/').slice(0, 2).join('/') : (spec.split('/')[0] as string));
      }
    }
    expect([...imported].sort()).toEqual(Object.keys(pkg.dependencies).sort());
  });

  it('packs the bin, every built command and the service unit, and no tests', () => {
    const out = execFileSync('npm', ['pack', '--dry-run', '--json'], { cwd: ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
    const files = (JSON.parse(out) as { files: { path: string }[] }[])[0]?.files.map((f) => f.path) ?? [];
    // The browser page ships built (npm run build bundles it): installing runs no script.
    const page = ['dist/web/index.html', 'dist/web/app.js', 'dist/web/style.css'];
    for (const f of [pkg.bin['tmon'] as string, 'dist/cli.js', 'deploy/tmon-agent.service', 'package.json', 'README.md', ...page]) {
      expect(files).toContain(f);
    }
    const verbs = (readdirSync(path.join(ROOT, 'src/commands')) as string[]).filter((f) => f.endsWith('.ts')).map((f) => `dist/commands/${f.replace(/\.ts$/, '.js')}`);
    for (const built of verbs) expect(files).toContain(built);
    expect(files.filter((f) => f.startsWith('test/') || f.startsWith('src/') || f.startsWith('web/'))).toEqual([]);
  }, 90_000);
});
