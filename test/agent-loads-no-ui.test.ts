import { afterAll, describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { startAgentProcess } from './helpers/agent-process.js';
import { runCli } from './helpers/run-cli.js';

/**
 * `tmon agent` and `tmon record` run on servers: they must never load the
 * terminal UI (blessed and what it pulls in). The built CLI runs with a
 * preloaded module that writes, at exit, every CommonJS module the process
 * loaded (ESM imports of CommonJS packages land in the same cache).
 */
const dir = mkdtempSync(join(tmpdir(), 'tmon-modules-'));
const hook = join(dir, 'module-log.mjs');
writeFileSync(
  hook,
  `import { createRequire } from 'node:module';
import { writeFileSync } from 'node:fs';
const require = createRequire(import.meta.url);
process.on('exit', () => writeFileSync(process.env.TMON_MODULE_LOG, Object.keys(require.cache).join('\\n')));
`,
);

function traced(name: string): { env: NodeJS.ProcessEnv; loaded: () => string[] } {
  const log = join(dir, `${name}.txt`);
  return {
    env: { TMON_MODULE_LOG: log, NODE_OPTIONS: `--import=${pathToFileURL(hook).href}` },
    loaded: () => readFileSync(log, 'utf8').split('\n').filter(Boolean),
  };
}

const UI_PACKAGE = /[\\/]node_modules[\\/](blessed|blessed-contrib)[\\/]/;

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('commands that run on servers load no UI', () => {
  it('the check sees blessed when the dashboard widgets are loaded', async () => {
    const t = traced('control');
    const widgets = pathToFileURL(join(import.meta.dirname, '../dist/ui/widgets/graph-panel.js')).href;
    const code = await new Promise<number | null>((resolve) => {
      const child = spawn(process.execPath, ['--input-type=module', '-e', `await import(${JSON.stringify(widgets)})`], { env: { ...process.env, ...t.env }, stdio: 'ignore' });
      child.on('exit', resolve);
    });
    expect(code).toBe(0);
    expect(t.loaded().some((m) => UI_PACKAGE.test(m))).toBe(true);
  });

  it('tmon record', async () => {
    const t = traced('record');
    const r = await runCli(['record', join(dir, 'r.tmon'), '--duration', '1s', '--interval', '250ms'], { env: t.env });
    expect(r.code, r.stderr).toBe(0);
    const loaded = t.loaded();
    expect(loaded.length).toBeGreaterThan(0);
    expect(loaded.filter((m) => UI_PACKAGE.test(m))).toEqual([]);
  }, 20_000);

  it('tmon agent, serving', async () => {
    const t = traced('agent');
    const agent = await startAgentProcess(['--interval', '250ms'], t.env);
    await new Promise((r) => setTimeout(r, 600));
    await agent.stop();
    const loaded = t.loaded();
    expect(loaded.some((m) => /[\\/]node_modules[\\/]ws[\\/]/.test(m))).toBe(true);
    expect(loaded.filter((m) => UI_PACKAGE.test(m))).toEqual([]);
  }, 20_000);
});
