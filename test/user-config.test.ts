import { afterAll, describe, expect, it } from 'vitest';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseCommand } from '../src/cli-flags.js';
import { AGENT, DASHBOARD } from '../src/commands/command-flags.js';
import { screenPrefFlags } from '../src/commands/screen-prefs.js';
import { withConfig } from '../src/commands/user-config.js';
import { UserError } from '../src/core/errors.js';
import { runCli } from './helpers/run-cli.js';

const dir = mkdtempSync(join(tmpdir(), 'tmon-config-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** An XDG config home holding `text` as tmon/config.toml. */
function xdgHome(name: string, text: string): string {
  const home = join(dir, name);
  mkdirSync(join(home, 'tmon'), { recursive: true });
  writeFileSync(join(home, 'tmon', 'config.toml'), text);
  return home;
}

function dashboardArgs(argv: string[]): Extract<ReturnType<typeof parseCommand<typeof DASHBOARD.flags>>, { help: false }> {
  const args = parseCommand(DASHBOARD, argv);
  if (args.help) throw new Error('help');
  return args;
}

const PREFS = screenPrefFlags(['users', 'events', 'disks']);

describe('withConfig', () => {
  it('reads $XDG_CONFIG_HOME/tmon/config.toml, and a flag given wins over it', () => {
    const home = xdgHome('xdg', 'top = 42\ninterval = "2s"\n[dashboard]\nsort = "mem"\nhide = ["users"]\n');
    const env = { XDG_CONFIG_HOME: home, HOME: '/nonexistent' };
    const fromFile = withConfig('dashboard', DASHBOARD, dashboardArgs([]), PREFS, env);
    expect(fromFile.values.top).toBe(42);
    expect(fromFile.values.interval).toBe(2000);
    expect(fromFile.values.sort).toBe('mem');
    expect(fromFile.values.hide).toEqual(['users']);
    // Connect tells a given interval by its raw entry: the file's counts as given.
    expect(fromFile.raw['interval']).toBe('2s');
    const flagged = withConfig('dashboard', DASHBOARD, dashboardArgs(['--top', '7', '-i', '500ms']), PREFS, env);
    expect(flagged.values.top).toBe(7);
    expect(flagged.values.interval).toBe(500);
    expect(flagged.raw['top']).toBe('7');
    expect(flagged.values.sort).toBe('mem');
  });

  it('without a file at the usual place: the defaults, silently', () => {
    const empty = join(dir, 'empty');
    mkdirSync(empty, { recursive: true });
    const { values } = withConfig('dashboard', DASHBOARD, dashboardArgs([]), PREFS, { XDG_CONFIG_HOME: empty });
    expect(values.top).toBe(15);
    expect(values.theme).toBe('dark');
    expect(values.sort).toBe('cpu');
    expect(values.show).toEqual([]);
    expect(withConfig('dashboard', DASHBOARD, dashboardArgs([]), PREFS, {}).values.interval).toBe(1000);
  });

  it('--config FILE instead of the usual one; a missing one is an error', () => {
    const home = xdgHome('other', 'top = 42\n');
    const file = join(dir, 'mine.toml');
    writeFileSync(file, 'top = 9\n');
    const env = { XDG_CONFIG_HOME: home };
    expect(withConfig('dashboard', DASHBOARD, dashboardArgs(['--config', file]), PREFS, env).values.top).toBe(9);
    const missing = join(dir, 'no-such.toml');
    expect(() => withConfig('dashboard', DASHBOARD, dashboardArgs(['--config', missing]), PREFS, env)).toThrow(
      new UserError(`cannot read config ${missing}: no such file`),
    );
  });

  it('refuses a file larger than a config file is, without reading it whole', () => {
    const file = join(dir, 'huge.toml');
    writeFileSync(file, `# ${'x'.repeat(200_000)}\n`);
    const args = parseCommand(AGENT, ['--config', file]);
    if (args.help) throw new Error('help');
    expect(() => withConfig('agent', AGENT, args)).toThrow(/^cannot read config .*huge\.toml: larger than 65536 bytes/);
  });
});

describe('tmon with a bad config file', () => {
  it('exits non-zero with one line naming the file, the line and the key', async () => {
    const file = join(dir, 'bad.toml');
    writeFileSync(file, 'interval = "1s"\n\n[agent]\nmax-viewers = 0\n');
    const r = await runCli(['agent', '--config', file, '--listen', '127.0.0.1:0']);
    expect(r.code).toBe(1);
    expect(r.stderr).toBe(`tmon: config ${file} line 4: max-viewers must be a number from 1 to 1000, got '0'\n`);
  });

  it('found through XDG_CONFIG_HOME, a syntax error ends a command the same way', async () => {
    const home = xdgHome('syntax', 'top = 5\nthreshold = = 3\n');
    const r = await runCli(['record', join(dir, 'never.tmon'), '--duration', '1s'], { env: { XDG_CONFIG_HOME: home } });
    expect(r.code).toBe(1);
    expect(r.stderr).toBe(`tmon: config ${join(home, 'tmon', 'config.toml')} line 2: Invalid TOML document: invalid value\n`);
  });
});
