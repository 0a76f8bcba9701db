import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { BASE_COMMANDS, SYSTEM_TOOLS, missingTools, packagesFor } from './support/system-tools.js';

/** Every command a test file starts by name: the first argument of spawn, spawnSync, execFile or execFileSync. */
function commandsTestsRun(): Set<string> {
  const found = new Set<string>();
  const walk = (dir: string): void => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (entry.name.endsWith('.ts')) {
        for (const m of readFileSync(path, 'utf8').matchAll(/\b(?:spawn|spawnSync|execFile|execFileSync)\(\s*'([\w.-]+)'/g)) found.add(m[1] as string);
      }
    }
  };
  walk(import.meta.dirname);
  return found;
}

describe('the system tools the suite installs when missing', () => {
  it('names the ones not on the path', () => {
    expect(missingTools(() => true)).toEqual([]);
    expect(missingTools((c) => c !== 'tmux').map((t) => t.pkg)).toEqual(['tmux']);
    expect(missingTools((c) => c === 'tmux').map((t) => t.command)).toEqual(['python3', 'openssl', 'ps', 'pgrep', 'promtool', 'prometheus', 'chromium', 'ping']);
  });

  it('installs each package once', () => {
    expect(packagesFor(missingTools((c) => c === 'tmux'))).toEqual(['python3', 'openssl', 'procps', 'prometheus', 'chromium', 'iputils-ping']);
    expect(packagesFor(missingTools((c) => c !== 'ps' && c !== 'pgrep'))).toEqual(['procps']);
    expect(packagesFor([])).toEqual([]);
  });

  it('covers every command the tests start by name, beyond what every Debian has', () => {
    const known = new Set([...SYSTEM_TOOLS.map((t) => t.command), ...BASE_COMMANDS]);
    const run = [...commandsTestsRun()];
    expect(run).toContain('tmux');
    expect(run.filter((c) => !known.has(c))).toEqual([]);
  });
});
