import { describe, expect, it } from 'vitest';
import { bytesOption, durationOption, numberOption, onlyPositional, parseCommandArgs } from '../src/cli-args.js';
import { UsageError } from '../src/core/errors.js';

describe('command-line arguments', () => {
  const options = { interval: { type: 'string', short: 'i' }, json: { type: 'boolean' } } as const;

  it('parses known flags and positionals', () => {
    const r = parseCommandArgs('spikes', ['file.tmon', '-i', '2s', '--json'], options, true);
    expect(r.values).toMatchObject({ interval: '2s', json: true });
    expect(r.positionals).toEqual(['file.tmon']);
  });

  it('turns node’s errors into one usage line naming the long flag and the help', () => {
    expect(() => parseCommandArgs('spikes', ['--nope'], options, true)).toThrow('unknown option --nope (see tmon spikes --help)');
    expect(() => parseCommandArgs('tmon', ['--interval'], options, false)).toThrow('option --interval needs a value (see tmon --help)');
    expect(() => parseCommandArgs('tmon', ['extra'], options, false)).toThrow(UsageError);
  });

  it('names each kind of mistake the way strict parsing would refuse it', () => {
    const refused = (argv: string[], positionals = true): string => {
      try {
        parseCommandArgs('spikes', argv, options, positionals);
      } catch (err) {
        return err instanceof UsageError ? err.message : 'not a usage error';
      }
      return 'accepted';
    };
    expect(refused(['-x'])).toBe('unknown option -x (see tmon spikes --help)');
    expect(refused(['--constructor'])).toBe('unknown option --constructor (see tmon spikes --help)');
    expect(refused(['--nope=3'])).toBe('unknown option --nope (see tmon spikes --help)');
    expect(refused(['-i'])).toBe('option --interval needs a value (see tmon spikes --help)');
    // A value that looks like a flag is most likely a forgotten value; '=' says it is meant.
    expect(refused(['--interval', '--json'])).toBe('option --interval needs a value (see tmon spikes --help)');
    expect(refused(['--interval=-2h'])).toBe('accepted');
    expect(refused(['-i2s'])).toBe('accepted');
    expect(refused(['--json=yes'])).toBe('option --json takes no value (see tmon spikes --help)');
    expect(refused(['a.tmon'], false)).toBe('unexpected argument a.tmon (see tmon spikes --help)');
    expect(refused(['--', '--json'])).toBe('accepted');
  });

  it('checks numbers, durations and sizes against their range', () => {
    expect(numberOption('top', '20', 1, 500, 15)).toBe(20);
    expect(numberOption('top', undefined, 1, 500, 15)).toBe(15);
    expect(() => numberOption('top', '0', 1, 500, 15)).toThrow("--top must be a number from 1 to 500, got '0'");
    expect(durationOption('interval', '500ms', 200, 60_000, 1000)).toBe(500);
    expect(durationOption('since', '1h30m', 1000, 86_400_000, 0)).toBe(5_400_000);
    expect(() => durationOption('interval', '50ms', 200, 60_000, 1000)).toThrow(/from 200ms/);
    expect(bytesOption('max-size', '1GB', 0)).toBe(1024 ** 3);
    expect(() => bytesOption('max-size', 'big', 0)).toThrow(/500MB or 1GB/);
  });

  it('takes exactly one positional', () => {
    expect(onlyPositional('replay', ['a.tmon'], 'the recording', 'FILE|DIR')).toBe('a.tmon');
    expect(() => onlyPositional('replay', [], 'the recording', 'FILE|DIR')).toThrow(
      'name the recording: tmon replay FILE|DIR (see tmon replay --help)',
    );
    expect(() => onlyPositional('replay', ['a', 'b'], 'the recording', 'FILE|DIR')).toThrow("unexpected argument 'b'");
  });
});
