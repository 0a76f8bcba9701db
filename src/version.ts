import { readFileSync } from 'node:fs';

let cached: string | undefined;

/**
 * tmon's version from its package.json (read once, on first use) so the two
 * can never disagree. Searched upward because the compiled file sits at a
 * different depth in dist/, dist-bench/ and the sources run by the tests.
 */
export function tmonVersion(): string {
  if (cached !== undefined) return cached;
  for (let dir = new URL('.', import.meta.url); ; dir = new URL('..', dir)) {
    try {
      const pkg = JSON.parse(readFileSync(new URL('package.json', dir), 'utf8')) as { name?: string; version?: string };
      if (pkg.name === 'tmon' && typeof pkg.version === 'string') return (cached = pkg.version);
    } catch {
      // not here: look one level up
    }
    if (dir.pathname === '/') throw new Error('tmon: cannot find its package.json');
  }
}
