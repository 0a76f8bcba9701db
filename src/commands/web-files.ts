import { readFileSync } from 'node:fs';
import type { PageFile, PageFiles } from '../transport/web-page.js';

/** The page's built files (scripts/build-web.mjs writes them to dist/web) and the URL path of each. */
const BUILT: ReadonlyArray<[path: string, file: string, contentType: string]> = [
  ['/', 'index.html', 'text/html; charset=utf-8'],
  ['/app.js', 'app.js', 'text/javascript; charset=utf-8'],
  ['/style.css', 'style.css', 'text/css; charset=utf-8'],
];

/**
 * The browser page, read once from dist/web of tmon's package (searched upward as
 * version.ts does: the compiled file and the sources run by tests sit at different
 * depths). Undefined when it was not built (a tsc-only build): the agent then serves no page.
 */
export function loadWebPage(start: URL = new URL('.', import.meta.url)): PageFiles | undefined {
  for (let dir = start; ; dir = new URL('..', dir)) {
    const files = readBuilt(new URL('dist/web/', dir));
    if (files) return files;
    if (dir.pathname === '/') return undefined;
  }
}

function readBuilt(dir: URL): PageFiles | undefined {
  const files = new Map<string, PageFile>();
  try {
    const pkg = JSON.parse(readFileSync(new URL('../../package.json', dir), 'utf8')) as { name?: string };
    if (pkg.name !== 'tmon') return undefined;
    for (const [path, file, contentType] of BUILT) files.set(path, { contentType, body: readFileSync(new URL(file, dir)) });
  } catch {
    return undefined;
  }
  return files;
}
