import { describe, expect, it } from 'vitest';
import {
  HELP_WIDTH,
  briefly,
  bytesFlag,
  choiceFlag,
  commandHelp,
  durationFlag,
  flagHelp,
  listFlag,
  numberFlag,
  parseArgsOptions,
  parseCommand,
  reworded,
  switchFlag,
  textFlag,
} from '../src/cli-flags.js';
import { UsageError } from '../src/core/errors.js';

const SPEC = {
  verb: 'demo',
  synopsis: 'demo FILE',
  summary: 'a demo',
  usage: 'tmon demo FILE [options]',
  about: 'A command made up for this test.',
  positionals: true,
  flags: {
    interval: durationFlag('DUR', 'how often', { minMs: 200, maxMs: 60_000, default: '1s', short: 'i' }),
    since: durationFlag('DUR', 'how far back', { minMs: 1000, maxMs: 86_400_000 }),
    top: numberFlag('N', 'rows', { min: 1, max: 500, default: 15, short: 'n' }),
    limit: numberFlag('P', 'a limit someone else defaults', { min: 0, max: 100, shownDefault: 80 }),
    size: bytesFlag('SIZE', 'at most this much', { default: '1GB' }),
    rotate: choiceFlag(['hour', 'day'], 'one file per hour or per day', 'hour'),
    name: textFlag('NAME', 'a name'),
    host: listFlag('NAME', 'a host; repeatable'),
    json: switchFlag('JSON output'),
    ...briefly({ 'cpu-x': numberFlag('P', 'x', { min: 0, max: 100 }), 'mem-x': numberFlag('P', 'y', { min: 0, max: 100 }) }, { label: 'thresholds', note: '(see tmon --help)' }),
    help: switchFlag('this help', { short: 'h' }),
  },
};

function parse(argv: string[]) {
  const parsed = parseCommand(SPEC, argv);
  if (parsed.help) throw new Error('help asked');
  return parsed;
}

describe('a command’s flag table', () => {
  it('gives parseArgs its options', () => {
    const o = parseArgsOptions(SPEC.flags);
    expect(o['interval']).toEqual({ type: 'string', short: 'i' });
    expect(o['json']).toEqual({ type: 'boolean' });
    expect(o['host']).toEqual({ type: 'string', multiple: true });
  });

  it('reads typed values, with the table’s defaults where a flag is absent', () => {
    const { values, positionals, raw } = parse(['f.tmon', '-i', '500ms', '--size', '2GB', '--rotate', 'day', '--host', 'a', '--host', 'b', '--json', '--cpu-x', '5']);
    expect(values).toEqual({
      interval: 500,
      since: undefined,
      top: 15,
      limit: undefined,
      size: 2 * 1024 ** 3,
      rotate: 'day',
      name: undefined,
      host: ['a', 'b'],
      json: true,
      'cpu-x': 5,
      'mem-x': undefined,
      help: false,
    });
    expect(positionals).toEqual(['f.tmon']);
    expect(raw['interval']).toBe('500ms');
    expect(raw['top']).toBeUndefined();
    expect(parse([]).values).toMatchObject({ interval: 1000, size: 1024 ** 3, rotate: 'hour', host: [], json: false });
  });

  it('refuses a bad value in one usage line naming the flag', () => {
    expect(() => parse(['--rotate', 'week'])).toThrow(new UsageError("--rotate must be hour or day, got 'week'"));
    expect(() => parse(['--top', '0'])).toThrow("--top must be a number from 1 to 500, got '0'");
    expect(() => parse(['--since', 'soon'])).toThrow(/--since must be a duration/);
    expect(() => parse(['--size', 'big'])).toThrow(/--size must be a size/);
    expect(() => parse(['--nope'])).toThrow('unknown option --nope (see tmon demo --help)');
  });

  it('answers --help before checking any value', () => {
    expect(parseCommand(SPEC, ['--top', '0', '-h'])).toEqual({ help: true });
  });

  it('refuses a default that does not parse when the table is made', () => {
    expect(() => durationFlag('DUR', 'x', { minMs: 0, maxMs: 1, default: 'soon' })).toThrow(/does not parse/);
    expect(() => bytesFlag('SIZE', 'x', { default: 'big' })).toThrow(/does not parse/);
  });
});

describe('--help from the table', () => {
  const help = flagHelp(SPEC.flags);
  const lines = help.trimEnd().split('\n');

  it('lists each flag with its short form, value name, text and default, in one column', () => {
    expect(help).toContain('  -i, --interval DUR');
    expect(help).toContain('      --size SIZE');
    const interval = lines.find((l) => l.includes('--interval')) ?? '';
    const size = lines.find((l) => l.includes('--size')) ?? '';
    expect(interval).toMatch(/how often \(default 1s\)$/);
    expect(size).toMatch(/at most this much \(default 1GB\)$/);
    expect(interval.indexOf('how often')).toBe(size.indexOf('at most'));
    expect(lines.find((l) => l.includes('--limit'))).toMatch(/\(default 80\)$/);
    expect(lines.find((l) => l.includes('--rotate'))).toContain('--rotate hour|day');
    expect(lines.find((l) => l.includes('--since'))).not.toContain('default');
  });

  it('names a brief group’s flags on one line of their own', () => {
    expect(lines).toContain('  thresholds: --cpu-x --mem-x (see tmon --help)');
    expect(help).not.toMatch(/--cpu-x P/);
  });

  it('keeps a default on the line of its word when wrapping', () => {
    // Every length of text before it, so that some would leave only "(default" room at a line's end.
    for (let n = 30; n <= 80; n++) {
      const text = flagHelp({ retain: durationFlag('DUR', 'x'.repeat(n), { minMs: 0, maxMs: 1e12, default: '7d' }) });
      expect(text, `${n}`).toContain('(default 7d)');
    }
  });

  it('wraps long texts under their column within the help width', () => {
    const long = flagHelp({ a: textFlag('X', 'word '.repeat(40).trim()), bb: switchFlag('short') });
    const got = long.trimEnd().split('\n');
    expect(got.length).toBeGreaterThan(3);
    for (const l of got) expect(l.length).toBeLessThanOrEqual(HELP_WIDTH);
    const column = (got[0] ?? '').indexOf('word');
    for (const l of got.slice(1, -1)) expect(l.indexOf('word')).toBe(column);
  });

  it('rewords a shared flag for one command, keeping how it reads', () => {
    const f = reworded(SPEC.flags.interval, 'ask for this', { hideDefault: true });
    expect(flagHelp({ interval: f })).not.toContain('default');
    expect(f.read(undefined, 'interval')).toBe(1000);
    expect(f.read('2s', 'interval')).toBe(2000);
  });

  it('makes a command’s whole help: usage, about, flags', () => {
    expect(commandHelp(SPEC)).toBe(`Usage: tmon demo FILE [options]\n\nA command made up for this test.\n\n${help}`);
  });
});
