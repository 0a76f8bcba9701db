import { parseArgs, type ParseArgsConfig } from 'node:util';
import { UsageError } from './core/errors.js';
import { parseDuration, parseBytes } from './core/units.js';

export type OptionSpec = NonNullable<ParseArgsConfig['options']>;

/**
 * node:util parseArgs with tmon's error style: an unknown flag or a missing
 * value becomes one UsageError line naming the flag and pointing at --help.
 */
export function parseCommandArgs(
  verb: string,
  argv: string[],
  options: OptionSpec,
  allowPositionals: boolean,
): { values: Record<string, string | boolean | string[] | undefined>; positionals: string[] } {
  try {
    const { values, positionals } = parseArgs({ args: argv, options, allowPositionals, strict: true });
    return { values: values as Record<string, string | boolean | string[] | undefined>, positionals };
  } catch (err) {
    const msg = err instanceof Error ? err.message : String(err);
    // Node quotes the flag as '--name' or '-n, --name <value>': name the long form.
    const flag = /'(?:-\w, )?(--?[\w-]+)/.exec(msg)?.[1];
    const what = /Unknown option/.test(msg)
      ? `unknown option ${flag ?? ''}`
      : /argument missing|requires a value|must be|Option .* argument/i.test(msg)
        ? `option ${flag ?? ''} needs a value`
        : /Unexpected argument|positional/i.test(msg)
          ? `unexpected argument ${/'([^']+)'/.exec(msg)?.[1] ?? ''}`
          : (msg.split('\n')[0] ?? msg);
    const help = verb === 'tmon' ? 'tmon --help' : `tmon ${verb} --help`;
    throw new UsageError(`${what.trim()} (see ${help})`);
  }
}

/** A flag's value as typed, for an error message (parseArgs gives strings, booleans or lists). */
function shown(raw: unknown): string {
  return typeof raw === 'string' ? raw : JSON.stringify(raw);
}

export function numberOption(name: string, raw: unknown, min: number, max: number, fallback: number): number {
  if (raw === undefined) return fallback;
  const n = Number(raw);
  if (typeof raw !== 'string' || raw.trim() === '' || !Number.isFinite(n) || n < min || n > max) {
    throw new UsageError(`--${name} must be a number from ${min} to ${max}, got '${shown(raw)}'`);
  }
  return n;
}

/** "1s", "500ms", "0.5" (seconds) → ms, within [minMs, maxMs]. */
export function durationOption(name: string, raw: unknown, minMs: number, maxMs: number, fallbackMs: number): number {
  if (raw === undefined) return fallbackMs;
  const ms = typeof raw === 'string' ? parseDuration(raw) : null;
  if (ms === null || ms < minMs || ms > maxMs) {
    throw new UsageError(
      `--${name} must be a duration from ${minMs}ms to ${maxMs / 1000}s (e.g. 1s, 500ms), got '${shown(raw)}'`,
    );
  }
  return ms;
}

export function bytesOption(name: string, raw: unknown, fallback: number): number {
  if (raw === undefined) return fallback;
  const b = typeof raw === 'string' ? parseBytes(raw) : null;
  if (b === null || b <= 0) throw new UsageError(`--${name} must be a size such as 500MB or 1GB, got '${shown(raw)}'`);
  return b;
}

/**
 * The one positional argument a verb takes (a file, a target); a missing or
 * an extra one is a usage error, e.g. "name the recording: tmon replay FILE|DIR".
 */
export function onlyPositional(verb: string, positionals: string[], what: string, synopsis: string): string {
  const [first, ...extra] = positionals;
  if (first === undefined) throw new UsageError(`name ${what}: tmon ${verb} ${synopsis} (see tmon ${verb} --help)`);
  if (extra.length > 0) throw new UsageError(`unexpected argument '${extra[0]}' (see tmon ${verb} --help)`);
  return first;
}
