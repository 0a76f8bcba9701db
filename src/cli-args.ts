import { parseArgs, type ParseArgsConfig } from 'node:util';
import { UsageError } from './core/errors.js';
import { DURATION_UNIT_MS, parseDuration, parseBytes } from './core/units.js';

export type OptionSpec = NonNullable<ParseArgsConfig['options']>;

type ParsedValues = Record<string, string | boolean | string[] | undefined>;

/**
 * node:util parseArgs with tmon's error style: an unknown flag, a missing
 * value or a stray argument becomes one UsageError line naming the flag (its
 * long form) and pointing at --help. Node's tokens say what went wrong, so no
 * error message of Node's is read.
 */
export function parseCommandArgs(
  verb: string,
  argv: string[],
  options: OptionSpec,
  allowPositionals: boolean,
): { values: ParsedValues; positionals: string[] } {
  const { values, positionals, tokens } = parseArgs({ args: argv, options, allowPositionals: true, strict: false, tokens: true });
  const help = verb === 'tmon' ? 'tmon --help' : `tmon ${verb} --help`;
  for (const token of tokens) {
    const problem = argProblem(token, options, allowPositionals);
    if (problem !== null) throw new UsageError(`${problem} (see ${help})`);
  }
  return { values: values as ParsedValues, positionals };
}

/** The parts of node's parse tokens looked at. */
type Token =
  | { kind: 'option'; name: string; rawName: string; value?: string | undefined; inlineValue?: boolean | undefined }
  | { kind: 'positional'; value: string }
  | { kind: 'option-terminator' };

const NEGATIVE_NUMBER = /^-(?:\d|\.\d)/;

/** What is wrong with one token, as strict parseArgs would refuse it; null when nothing. */
function argProblem(token: Token, options: OptionSpec, allowPositionals: boolean): string | null {
  if (token.kind === 'positional') return allowPositionals ? null : `unexpected argument ${token.value}`;
  if (token.kind !== 'option') return null;
  const option = Object.hasOwn(options, token.name) ? options[token.name] : undefined;
  if (option === undefined) return `unknown option ${token.rawName}`;
  if (option.type === 'boolean') return token.value === undefined ? null : `option --${token.name} takes no value`;
  // A value that looks like a flag was most likely one: a value starting with '-' is written --name=-value.
  // A negative number is a value, so its range check can say what is allowed.
  if (token.value === undefined || (!token.inlineValue && token.value.startsWith('-') && !NEGATIVE_NUMBER.test(token.value))) {
    return `option --${token.name} needs a value`;
  }
  return null;
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
    // The examples lie inside the range, so following one works.
    const examples = [500, 1000, 60_000, 3_600_000].filter((ms) => ms >= minMs && ms <= maxMs).slice(0, 2);
    throw new UsageError(
      `--${name} must be a duration from ${durationText(minMs)} to ${durationText(maxMs)}${examples.length ? ` (e.g. ${examples.map(durationText).join(', ')})` : ''}, got '${shown(raw)}'`,
    );
  }
  return ms;
}

/** 500 → "500ms", 1000 → "1s", 86400000 → "1d": the largest unit that keeps it whole, as parseDuration reads it. */
function durationText(ms: number): string {
  const unit = Object.entries(DURATION_UNIT_MS)
    .sort((a, b) => b[1] - a[1])
    .find(([, size]) => ms >= size && ms % size === 0);
  return unit ? `${ms / unit[1]}${unit[0]}` : `${ms}ms`;
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
