import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { loadWebPage } from '../src/commands/web-files.js';
import { tempDir } from './fixtures/store/recording-files.js';

/** The bound on the page: what a phone on a slow link fetches once. */
const MAX_GZIPPED_BYTES = 100 * 1024;

describe('the built browser page (npm run build)', () => {
  const page = loadWebPage();

  it('is found from the sources as from dist/, and is every file the page loads', () => {
    expect(page, 'dist/web is missing: run npm run build').toBeDefined();
    expect([...(page?.keys() ?? [])].sort()).toEqual(['/', '/app.js', '/style.css']);
    const html = page?.get('/')?.body.toString('utf8') ?? '';
    expect(html).toContain('src="/app.js"');
    expect(html).toContain('href="/style.css"');
    // Even a submit without the script posts the token to /session: it never lands in the address.
    expect(html).toMatch(/<form id="login" method="post" action="\/session"/);
  });

  it(`weighs at most ${MAX_GZIPPED_BYTES / 1024} KB gzipped, uPlot included`, () => {
    const gzipped = [...(page?.values() ?? [])].reduce((n, f) => n + gzipSync(f.body, { level: 9 }).length, 0);
    expect(gzipped).toBeGreaterThan(10 * 1024);
    expect(gzipped).toBeLessThanOrEqual(MAX_GZIPPED_BYTES);
  });

  it('asks no other host for anything: no URL with a scheme, no inline script', () => {
    for (const [path, file] of page ?? []) expect(file.body.toString('utf8'), path).not.toMatch(/\b(?:https?|wss?):\/\//);
    expect(page?.get('/')?.body.toString('utf8')).not.toMatch(/<script>|<script [^>]*>[^<]/);
  });

  it('is none where no tmon package holds a built page', () => {
    const { dir, cleanup } = tempDir();
    mkdirSync(join(dir, 'dist', 'web'), { recursive: true });
    writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'not-tmon' }));
    try {
      expect(loadWebPage(pathToFileURL(join(dir, 'dist', 'commands') + '/'))).toBeUndefined();
    } finally {
      cleanup();
    }
  });
});
