import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { escape } from '../src/ui/widgets/blessed-parts.js';

const parts = JSON.stringify(pathToFileURL(join(import.meta.dirname, '../dist/ui/widgets/blessed-parts.js')).href);

describe('blessed-parts', () => {
  it("escapes blessed's tag braces, so a process name cannot open a tag", () => {
    expect(escape('{red-fg}x{/red-fg}')).toBe('{open}red-fg{close}x{open}/red-fg{close}');
  });

  it("loads blessed's screen and box, not its other widgets", () => {
    const code = `import { createRequire } from 'node:module';
      const m = await import(${parts});
      const s = m.screen({ input: process.stdin, output: process.stdout, warnings: false });
      const b = m.box({ screen: s, content: 'x' });
      const files = Object.keys(createRequire(import.meta.url).cache).filter((f) => f.includes('blessed'));
      s.destroy();
      process.stdout.write(JSON.stringify({ type: b.type, files: files.map((f) => f.replace(/.*node_modules\\/blessed\\//, '')) }));`;
    const r = spawnSync(process.execPath, ['--input-type=module', '-e', code], { encoding: 'utf8', env: { ...process.env, TERM: 'xterm-256color' } });
    expect(r.status, r.stderr).toBe(0);
    const { type, files } = JSON.parse(r.stdout.slice(r.stdout.lastIndexOf('{"type"'))) as { type: string; files: string[] };
    expect(type).toBe('box');
    expect(files).toContain('lib/widgets/screen.js');
    for (const widget of ['lib/widgets/image.js', 'lib/widgets/video.js', 'lib/widgets/terminal.js', 'lib/widgets/form.js', 'vendor/tng.js']) expect(files).not.toContain(widget);
  });
});
