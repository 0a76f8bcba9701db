// Bundles the browser page (web/) into dist/web: index.html, app.js, app.css, all served by the agent.
// Run by `npm run build` after tsc. Everything the page needs is in these three files: no request leaves the agent.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { build } from 'esbuild';

const root = path.join(import.meta.dirname, '..');
const out = path.join(root, 'dist', 'web');
mkdirSync(out, { recursive: true });
await build({
  entryPoints: { app: path.join(root, 'web', 'main.ts'), style: path.join(root, 'web', 'style.css') },
  bundle: true,
  minify: true,
  format: 'iife',
  target: ['es2022', 'chrome110', 'firefox110', 'safari16'],
  outdir: out,
  entryNames: '[name]',
  legalComments: 'none',
  logLevel: 'warning',
});
writeFileSync(path.join(out, 'index.html'), readFileSync(path.join(root, 'web', 'index.html')));
