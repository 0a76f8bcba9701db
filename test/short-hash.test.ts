import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { sha256Hex } from '../src/transport/short-hash.js';

const dist = (file: string): string => JSON.stringify(pathToFileURL(join(import.meta.dirname, '../dist', file)).href);

/** Whether node:crypto is loaded once `code` (an ES module body) has run in a fresh node. */
function cryptoLoadedAfter(code: string): boolean {
  const r = spawnSync(process.execPath, ['--input-type=module', '-e', `${code}\nprocess.stdout.write(String(process.moduleLoadList.includes('NativeModule crypto')));`], { encoding: 'utf8' });
  expect(r.status, r.stderr).toBe(0);
  return r.stdout === 'true';
}

describe('sha256Hex', () => {
  it('is SHA-256 in hex', () => {
    expect(sha256Hex('abc')).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
  });

  it('loads node:crypto only when first called: the CLI and the dashboard import the alerting without it', () => {
    expect(cryptoLoadedAfter(`await import(${dist('cli.js')}); await import(${dist('commands/dashboard.js')});`)).toBe(false);
    expect(cryptoLoadedAfter(`const { sha256Hex } = await import(${dist('transport/short-hash.js')}); sha256Hex('x');`)).toBe(true);
  });
});
