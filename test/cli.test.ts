import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { runCli } from './helpers/run-cli.js';

const version = (JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string })
  .version;

describe('tmon CLI', () => {
  it('prints its version', async () => {
    const r = await runCli(['--version']);
    expect(r.code).toBe(0);
    expect(r.stdout.trim()).toBe(version);
  });

  it('prints help naming every command', async () => {
    const r = await runCli(['--help']);
    expect(r.code).toBe(0);
    for (const verb of ['agent', 'connect', 'record', 'replay', 'spikes', 'export']) {
      expect(r.stdout).toContain(`tmon ${verb}`);
    }
  });

  it.each([
    [['--bogus'], /unknown option --bogus \(see tmon --help\)/],
    [['--interval', 'fast'], /--interval must be a duration/],
    [['--interval', '50ms'], /--interval must be a duration from 200ms/],
    [['--top', '0'], /--top must be a number from 1 to 500/],
    // A negative number is a value out of range, not a missing one.
    [['--top', '-1'], /--top must be a number from 1 to 500, got '-1'/],
    [['record', 'x.tmon', '--duration', '0s'], /--duration must be a duration from 1s to 365d \(e\.g\. 1s, 1m\), got '0s'/],
    [['--interval'], /option --interval needs a value/],
    [['frobnicate'], /unknown command 'frobnicate'/],
    [['--cpu-threshold', '150'], /--cpu-threshold must be a number from 1 to 100/],
  ])('rejects %j with one clear line and exit 2', async (args, message) => {
    const r = await runCli(args);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(message);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stdout).toBe('');
  });

  it('refuses to open the dashboard without a terminal', async () => {
    const r = await runCli([]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/needs a terminal.*tmon record FILE/);
  });
});
