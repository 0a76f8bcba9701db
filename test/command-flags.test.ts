import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { HELP_WIDTH, commandHelp, parseCommand, type CommandSpec, type FlagTable } from '../src/cli-flags.js';
import { AGENT, COMMANDS, CONNECT, DASHBOARD, REMOTE_FLAGS, THRESHOLD_FLAGS } from '../src/commands/command-flags.js';
import { mainUsage } from '../src/commands/usage.js';

const README = readFileSync(new URL('../README.md', import.meta.url), 'utf8');

/** The README's text from the line starting with `start` to the next blank line. */
function readmeBlock(start: string): string {
  const at = README.indexOf(start);
  if (at === -1) throw new Error(`README.md has no block starting with ${start}`);
  const end = README.indexOf('\n\n', at);
  return README.slice(at, end === -1 ? undefined : end);
}

/** Every --flag named in a piece of text. */
function flagsIn(text: string): Set<string> {
  return new Set([...text.matchAll(/--([a-z][a-z-]*)/g)].map((m) => m[1] as string));
}

/** A table's flags that a person reads about (not --help, --version, nor those named in a brief group). */
function documented(flags: FlagTable): Set<string> {
  return new Set(Object.entries(flags).filter(([name, f]) => !f.brief && name !== 'help' && name !== 'version').map(([name]) => name));
}

describe('every command’s --help, from its table', () => {
  const all: readonly CommandSpec<FlagTable>[] = COMMANDS;
  it.each(all.map((c) => [c.verb, c] as const))('%s lists each of its flags within the help width', (_verb, spec) => {
    const help = spec === DASHBOARD ? mainUsage() : commandHelp(spec);
    for (const name of Object.keys(spec.flags)) expect(help).toMatch(new RegExp(`--${name}\\b`));
    for (const line of help.split('\n')) expect(line.length).toBeLessThanOrEqual(HELP_WIDTH);
  });

  it('lists every command in tmon --help with the dashboard’s flags in full', () => {
    const usage = mainUsage();
    for (const c of COMMANDS) expect(usage).toContain(`tmon ${c.synopsis}`);
    expect(usage).toMatch(/--cpu-threshold P +CPU spike threshold, busy % \(default 80\)/);
    expect(usage).toMatch(/-v, --version +print the version/);
  });

  it('names the thresholds briefly elsewhere', () => {
    const help = commandHelp(CONNECT);
    expect(help).toMatch(/^ {2}spike thresholds: --cpu-threshold/m);
    expect(help.replace(/\s+/g, ' ')).toContain('spike thresholds: --cpu-threshold --cpu-margin --mem-threshold --mem-margin --cpu-rise --mem-rise --latency-factor --latency-margin --latency-threshold (see tmon --help)');
    expect(help).not.toMatch(/--cpu-threshold P/);
  });
});

describe('the agent’s table', () => {
  const parse = (argv: string[]) => {
    const parsed = parseCommand(AGENT, argv);
    if (parsed.help) throw new Error('help asked');
    return parsed.values;
  };

  it('reads the listen address, history, store and rotation into typed values', () => {
    expect(parse([])).toMatchObject({
      listen: { host: '127.0.0.1', port: 7654 },
      history: 3_600_000,
      retain: 7 * 86_400_000,
      'max-size': 1024 ** 3,
      rotate: 'hour',
      'max-viewers': 16,
      interval: 1000,
      top: 15,
      'allow-host': [],
      'no-auth': false,
    });
    expect(parse(['--listen', ':0', '--rotate', 'day', '--allow-host', 'db1']).listen).toEqual({ host: '0.0.0.0', port: 0 });
    expect(() => parse(['--listen', 'nowhere'])).toThrow(/--listen must be HOST:PORT/);
    expect(() => parse(['--rotate', 'week'])).toThrow("--rotate must be hour or day, got 'week'");
  });
});

describe('the README’s flag lists match the tables', () => {
  it('the spike threshold table: each flag with its default', () => {
    const rows = readmeBlock('| flag | meaning | default |').split('\n').slice(2);
    const inReadme = new Map(rows.map((r) => [/--([a-z-]+)/.exec(r)?.[1], r.split('|').at(-2)?.trim()]));
    expect(new Set(inReadme.keys())).toEqual(new Set(Object.keys(THRESHOLD_FLAGS)));
    for (const [name, f] of Object.entries(THRESHOLD_FLAGS)) expect(inReadme.get(name), name).toBe(f.default);
  });

  it('the agent option table', () => {
    const firstColumns = readmeBlock('| agent option | meaning | default |')
      .split('\n')
      .slice(2)
      .map((r) => r.split(' | ')[0] ?? '')
      .join(' ');
    expect(flagsIn(firstColumns)).toEqual(documented(AGENT.flags));
  });

  it('the viewer options', () => {
    const text = readmeBlock('Viewer options (');
    expect(flagsIn(text.slice(text.indexOf('):')))).toEqual(documented(REMOTE_FLAGS));
  });

  it('the dashboard options', () => {
    const text = readmeBlock('Options: `--interval');
    const named = flagsIn(text);
    // "`tmon --help` lists them".
    named.delete('help');
    expect(named).toEqual(new Set([...documented(DASHBOARD.flags)].filter((n) => !(n in THRESHOLD_FLAGS))));
    expect(text).toContain('spike thresholds');
  });
});
