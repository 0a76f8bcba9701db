/**
 * The config file (~/.config/tmon/config.toml), read as the command line is:
 * its keys are the long flag names of the command tables (command-flags.ts),
 * so a new flag is a key with no more work, and each value goes through the
 * flag's own reader, so the file and the command line accept the same values.
 * Keys at the top apply to every command that takes them; a section per
 * command ([dashboard] for `tmon` itself, [agent], [connect], [record],
 * [replay]) holds keys for that command only and wins over the top. Pure: the
 * file is read at the edge (user-config.ts).
 */
import { parse, TomlError } from 'smol-toml';
import type { FlagTable, RawFlag } from '../cli-flags.js';
import { UserError } from '../core/errors.js';
import { sanitize } from '../core/sanitize.js';

/** A config file is a few lines; anything larger is not one (and is not read whole). */
export const MAX_CONFIG_BYTES = 64 * 1024;

/** Flags that act on one run, never settings: not keys of the file. */
const COMMAND_LINE_ONLY: ReadonlySet<string> = new Set(['help', 'version', 'config']);

export interface ConfigSchema {
  /** The section of the command that runs. */
  section: string;
  /** Its keys: the command's flags, and for the dashboards their preferences. */
  flags: FlagTable;
  /** Every section's key names, so a misspelt key is told from one another command reads. */
  keys: Readonly<Record<string, readonly string[]>>;
}

/** What the file sets for the running command: as the command line would have given it, and typed. */
export interface ConfigSettings {
  raw: Record<string, RawFlag>;
  values: Record<string, unknown>;
}

/** The keys a command's flag table gives the file. */
export function settingKeys(flags: FlagTable): string[] {
  return Object.keys(flags).filter((name) => !COMMAND_LINE_ONLY.has(name));
}

/**
 * Where the file is: $XDG_CONFIG_HOME/tmon/config.toml, else ~/.config/tmon/config.toml;
 * undefined without a home. A relative XDG_CONFIG_HOME is ignored, as the XDG spec says.
 */
export function configPath(env: Readonly<Record<string, string | undefined>>): string | undefined {
  const xdg = env['XDG_CONFIG_HOME'];
  if (xdg !== undefined && xdg.startsWith('/')) return `${xdg.replace(/\/+$/, '')}/tmon/config.toml`;
  const home = env['HOME'];
  return home !== undefined && home.startsWith('/') ? `${home.replace(/\/+$/, '')}/.config/tmon/config.toml` : undefined;
}

type Table = Record<string, unknown>;

function isTable(v: unknown): v is Table {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && !(v instanceof Date);
}

/** A key or value from the file, short and safe inside a one-line message. */
function quoted(text: string): string {
  return `'${sanitize(text, 60)}'`;
}

/**
 * The settings `text` (the file `file`) gives the command of `schema.section`.
 * Anything wrong — TOML syntax, a key no command takes, a section no command
 * has, a value of the wrong type or out of range — is one UserError line
 * naming the file, the line and the key.
 */
export function parseConfig(text: string, file: string, schema: ConfigSchema): ConfigSettings {
  const at = (line: number | undefined, what: string): UserError =>
    new UserError(`config ${sanitize(file, 200)}${line !== undefined ? ` line ${line}` : ''}: ${what}`);
  // The line is looked for only once something is wrong: a search per key would be quadratic in the file.
  const fail: Fail = (section, key, what) => at(keyLine(text.split('\n'), section, key), what);
  let doc: Table;
  try {
    doc = parse(text);
  } catch (err) {
    if (err instanceof TomlError) throw at(err.line, sanitize(err.message.split('\n')[0] ?? '', 200));
    throw err;
  }
  const settings: ConfigSettings = { raw: {}, values: {} };
  const sectionSettings: ConfigSettings = { raw: {}, values: {} };
  const anySection = (key: string): boolean => Object.values(schema.keys).some((keys) => keys.includes(key));
  for (const [key, value] of Object.entries(doc)) {
    if (Object.hasOwn(schema.keys, key)) {
      if (!isTable(value)) throw fail(null, key, `${quoted(key)} is a command's section: write it as [${key}]`);
      readSection(key, value, schema, fail, sectionSettings);
      continue;
    }
    if (!anySection(key)) {
      const what = isTable(value) ? `unknown section [${sanitize(key, 60)}] (sections: ${Object.keys(schema.keys).join(', ')})` : unknownKey(key, null);
      throw fail(null, key, what);
    }
    const flag = schema.flags[key];
    if (flag !== undefined) readEntry(null, key, value, flag, fail, settings);
  }
  return { raw: { ...settings.raw, ...sectionSettings.raw }, values: { ...settings.values, ...sectionSettings.values } };
}

function unknownKey(key: string, section: string | null): string {
  return `unknown key ${quoted(key)}${section !== null ? ` in [${section}]` : ''} (keys are the long flag names: see --help)`;
}

/** The error for `key` in `section` (null: the top), at its line. */
type Fail = (section: string | null, key: string, what: string) => UserError;

/** One command's section: every key checked by name; read into `into` when it is the running command's. */
function readSection(section: string, table: Table, schema: ConfigSchema, fail: Fail, into: ConfigSettings): void {
  const known = schema.keys[section] ?? [];
  for (const [key, value] of Object.entries(table)) {
    if (!known.includes(key)) throw fail(section, key, unknownKey(key, section));
    const flag = section === schema.section ? schema.flags[key] : undefined;
    if (flag !== undefined) readEntry(section, key, value, flag, fail, into);
  }
}

/** One key's value read by its flag; the flag's own message, with the key for "--key". */
function readEntry(section: string | null, key: string, value: unknown, flag: FlagTable[string], fail: Fail, into: ConfigSettings): void {
  const given = asRawFlag(value, flag);
  if ('problem' in given) throw fail(section, key, `${key} ${given.problem}`);
  try {
    into.values[key] = flag.read(given.raw, key);
  } catch (err) {
    // The flag's message quotes the value: from the file, so made safe and short.
    if (err instanceof UserError) throw fail(section, key, sanitize(err.message.replace(`--${key} `, `${key} `), 300));
    throw err;
  }
  into.raw[key] = given.raw;
}

/** What the command line would have given for this value (text, true, or a list), or why the value's type does not fit the flag. */
function asRawFlag(value: unknown, flag: FlagTable[string]): { raw: RawFlag } | { problem: string } {
  const word = (v: unknown): string | undefined => (typeof v === 'string' ? v : typeof v === 'number' && Number.isFinite(v) ? String(v) : undefined);
  if (flag.type === 'boolean') return typeof value === 'boolean' ? { raw: value || undefined } : { problem: `must be true or false, got ${typeName(value)}` };
  if (flag.multiple) {
    const words = (Array.isArray(value) ? value : [value]).map(word);
    return words.every((w) => w !== undefined) ? { raw: words as string[] } : { problem: 'must be a list of words, e.g. ["a", "b"]' };
  }
  const text = word(value);
  return text !== undefined ? { raw: text } : { problem: `must be a word or a number, got ${typeName(value)}` };
}

function typeName(v: unknown): string {
  if (typeof v === 'string') return quoted(v);
  if (typeof v === 'boolean' || typeof v === 'number') return String(v);
  if (Array.isArray(v)) return 'a list';
  if (v instanceof Date) return 'a date';
  return isTable(v) ? 'a table' : typeof v;
}

/** The 1-based line where `key` is set in `section` (null: before any section); undefined when not found. */
export function keyLine(lines: readonly string[], section: string | null, key: string): number | undefined {
  let current: string | null = null;
  const escaped = key.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const setting = new RegExp(`^\\s*(?:${escaped}|"${escaped}"|'${escaped}')\\s*[=.]`);
  const header = /^\s*\[\s*("?)([^\]"]*)\1\s*\]/;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] ?? '';
    const h = header.exec(line);
    if (h) {
      current = (h[2] ?? '').trim();
      if (section === null && current === key) return i + 1;
      continue;
    }
    if (current === section && setting.test(line)) return i + 1;
  }
  return undefined;
}
