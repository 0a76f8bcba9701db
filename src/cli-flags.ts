import { UsageError } from './core/errors.js';
import { parseDuration, parseBytes } from './core/units.js';
import { bytesOption, durationOption, numberOption, parseCommandArgs, type OptionSpec } from './cli-args.js';

/** What node:util parseArgs hands over for one flag. */
export type RawFlag = string | boolean | string[] | undefined;

/** Flags listed by name only, on one line of their own, e.g. the spike thresholds in every help but the dashboard's. */
export interface FlagBrief {
  readonly label: string;
  readonly note?: string;
}

/**
 * One flag of a command: how parseArgs reads it, how --help shows it, and how
 * its text becomes a typed value. The table of a command's flags is the one
 * source of both its parseArgs options and its --help.
 */
export interface Flag<T> {
  readonly type: 'boolean' | 'string';
  /** Repeatable: every occurrence is kept. */
  readonly multiple?: boolean;
  readonly short?: string;
  /** The value's name in --help: DUR, FILE, N. */
  readonly value?: string;
  /** What it does, one sentence for --help (wrapped there). */
  readonly help: string;
  /** The default as a person would type it, shown in --help. */
  readonly default?: string;
  readonly brief?: FlagBrief;
  /** The typed value of what was given (undefined when absent); throws a UsageError naming the flag. */
  read(raw: RawFlag, name: string): T;
}

export type FlagTable = Readonly<Record<string, Flag<unknown>>>;

export type FlagValues<T extends FlagTable> = { readonly [K in keyof T]: ReturnType<T[K]['read']> };

export interface CommandSpec<T extends FlagTable> {
  /** The word after `tmon`; 'tmon' itself for the dashboard. */
  readonly verb: string;
  /** The command's line in `tmon --help`: "agent [options]". */
  readonly synopsis: string;
  /** What it does, after the synopsis in `tmon --help`. */
  readonly summary: string;
  /** The first line of its own --help: "Usage: tmon agent [options]". */
  readonly usage: string;
  /** The paragraph under that line. */
  readonly about: string;
  readonly positionals: boolean;
  readonly flags: T;
}

export type ParsedCommand<T extends FlagTable> =
  | { readonly help: true }
  | {
      readonly help: false;
      readonly values: FlagValues<T>;
      readonly positionals: string[];
      /** The flags as typed; undefined where not given. */
      readonly raw: Readonly<Record<string, RawFlag>>;
    };

/** An on/off flag: true when given. */
export function switchFlag(help: string, opts: { short?: string } = {}): Flag<boolean> {
  return { type: 'boolean', help, ...opts, read: (raw) => raw === true };
}

/** A free-form text value (a file, an address), checked where it is used. */
export function textFlag(value: string, help: string, opts: { short?: string } = {}): Flag<string | undefined> {
  return { type: 'string', value, help, ...opts, read: (raw) => (typeof raw === 'string' ? raw : undefined) };
}

/** A repeatable text value. */
export function listFlag(value: string, help: string): Flag<string[]> {
  return { type: 'string', multiple: true, value, help, read: (raw) => (Array.isArray(raw) ? raw : []) };
}

/** One of a few words. */
export function choiceFlag<const C extends string>(choices: readonly C[], help: string, fallback: C): Flag<C> {
  return {
    type: 'string',
    value: choices.join('|'),
    help,
    default: fallback,
    read: (raw, name) => {
      if (raw === undefined) return fallback;
      const found = choices.find((c) => c === raw);
      if (found === undefined) throw new UsageError(`--${name} must be ${choices.join(' or ')}, got '${String(raw)}'`);
      return found;
    },
  };
}

interface NumberOpts {
  min: number;
  max: number;
  short?: string;
}

/** A number within [min, max]; with a default it is always a number, without one undefined when absent. */
export function numberFlag(value: string, help: string, opts: NumberOpts & { default: number }): Flag<number>;
export function numberFlag(value: string, help: string, opts: NumberOpts & { shownDefault?: number }): Flag<number | undefined>;
export function numberFlag(value: string, help: string, opts: NumberOpts & { default?: number; shownDefault?: number }): Flag<number | undefined> {
  const { min, max, short } = opts;
  const fallback = opts.default;
  const shown = fallback ?? opts.shownDefault;
  return {
    type: 'string',
    value,
    help,
    ...(short !== undefined ? { short } : {}),
    ...(shown !== undefined ? { default: String(shown) } : {}),
    read: (raw, name) => (raw === undefined ? fallback : numberOption(name, raw, min, max, 0)),
  };
}

interface DurationOpts {
  minMs: number;
  maxMs: number;
  short?: string;
}

/** A duration ("1s", "500ms", "2h30m", "0.5" seconds) in ms within [minMs, maxMs]. */
export function durationFlag(value: string, help: string, opts: DurationOpts & { default: string }): Flag<number>;
export function durationFlag(value: string, help: string, opts: DurationOpts): Flag<number | undefined>;
export function durationFlag(value: string, help: string, opts: DurationOpts & { default?: string }): Flag<number | undefined> {
  const { minMs, maxMs, short } = opts;
  const fallback = opts.default === undefined ? undefined : typed(parseDuration(opts.default), opts.default);
  return {
    type: 'string',
    value,
    help,
    ...(short !== undefined ? { short } : {}),
    ...(opts.default !== undefined ? { default: opts.default } : {}),
    read: (raw, name) => (raw === undefined ? fallback : durationOption(name, raw, minMs, maxMs, 0)),
  };
}

/** A size ("500MB", "1GB") in bytes. */
export function bytesFlag(value: string, help: string, opts: { default: string }): Flag<number> {
  const fallback = typed(parseBytes(opts.default), opts.default);
  return { type: 'string', value, help, default: opts.default, read: (raw, name) => bytesOption(name, raw, fallback) };
}

/** A table's default that does not parse is a mistake in the table, found when the module loads. */
function typed(n: number | null, text: string): number {
  if (n === null) throw new Error(`flag default '${text}' does not parse`);
  return n;
}

/** The parseArgs options of a table. */
export function parseArgsOptions(flags: FlagTable): OptionSpec {
  const options: OptionSpec = {};
  for (const [name, f] of Object.entries(flags)) {
    options[name] = {
      type: f.type,
      ...(f.short !== undefined ? { short: f.short } : {}),
      ...(f.multiple ? { multiple: true } : {}),
    };
  }
  return options;
}

/**
 * argv → the command's typed flag values and its positionals, or `{ help: true }`
 * when --help is among them (before any value is checked, so help always shows).
 * Every error is one UsageError line naming the flag.
 */
export function parseCommand<T extends FlagTable>(spec: CommandSpec<T>, argv: string[]): ParsedCommand<T> {
  const { values: raw, positionals } = parseCommandArgs(spec.verb, argv, parseArgsOptions(spec.flags), spec.positionals);
  if (raw['help'] === true) return { help: true };
  const values: Record<string, unknown> = {};
  for (const [name, f] of Object.entries(spec.flags)) values[name] = f.read(raw[name], name);
  return { help: false, values: values as FlagValues<T>, positionals, raw };
}

/** Widest help line: an 80-column terminal shows it unwrapped. */
export const HELP_WIDTH = 80;

/** "  -i, --interval DUR" or "      --cgroup PATH". */
function flagLabel(name: string, f: Flag<unknown>): string {
  const short = f.short !== undefined ? `-${f.short}, ` : '    ';
  return `  ${short}--${name}${f.value !== undefined ? ` ${f.value}` : ''}`;
}

/** No-break space: "(default 1h)" stays on one line when the help wraps. */
const NBSP = '\u00a0';

function flagText(f: Flag<unknown>): string {
  return f.default !== undefined ? `${f.help} (default${NBSP}${f.default})` : f.help;
}

/** Words laid out in lines of at most `width` columns after an indent of `indent`. */
function wrap(text: string, indent: number, width: number): string[] {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(' ')) {
    if (line !== '' && indent + line.length + 1 + word.length > width) {
      lines.push(line);
      line = word;
    } else {
      line = line === '' ? word : `${line} ${word}`;
    }
  }
  if (line !== '') lines.push(line);
  return lines.map((l) => l.replaceAll(NBSP, ' '));
}

/** The option lines of a --help: one entry per flag, and one line per brief group of flags named together. */
export function flagHelp(flags: FlagTable): string {
  const entries = Object.entries(flags);
  const column = Math.max(...entries.filter(([, f]) => !f.brief).map(([n, f]) => flagLabel(n, f).length + 2));
  const out: string[] = [];
  const briefsDone = new Set<FlagBrief>();
  for (const [name, f] of entries) {
    if (f.brief) {
      if (briefsDone.has(f.brief)) continue;
      briefsDone.add(f.brief);
      const names = entries.filter(([, g]) => g.brief === f.brief).map(([n]) => `--${n}`);
      const line = `${f.brief.label}: ${names.join(' ')}${f.brief.note !== undefined ? ` ${f.brief.note}` : ''}`;
      out.push(...wrap(line, 4, HELP_WIDTH).map((l, i) => `${i === 0 ? '  ' : '    '}${l}`));
      continue;
    }
    const [first = '', ...rest] = wrap(flagText(f), column, HELP_WIDTH);
    out.push(`${flagLabel(name, f).padEnd(column)}${first}`, ...rest.map((l) => `${' '.repeat(column)}${l}`));
  }
  return `${out.join('\n')}\n`;
}

/** A command's --help: its usage line, what it does, and its flags. */
export function commandHelp<T extends FlagTable>(spec: CommandSpec<T>): string {
  return `Usage: ${spec.usage}\n\n${spec.about}\n\n${flagHelp(spec.flags)}`;
}

/** A shared flag worded for one command; `hideDefault` where the default means something else there. */
export function reworded<T>(f: Flag<T>, help: string, opts: { hideDefault?: boolean } = {}): Flag<T> {
  return { ...f, help, ...(opts.hideDefault === true ? { default: undefined } : {}) };
}

/** The same flags, named on one line of their own in --help. */
export function briefly<T extends FlagTable>(flags: T, brief: FlagBrief): T {
  const out: Record<string, Flag<unknown>> = {};
  for (const [name, f] of Object.entries(flags)) out[name] = { ...f, brief };
  return out as T;
}
