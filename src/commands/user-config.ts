/**
 * The config file at the edge: where it is, reading it (bounded), and its
 * settings under the command line's (a flag given wins over the file).
 */
import { existsSync } from 'node:fs';
import type { CommandSpec, FlagTable, FlagValues, ParsedCommand, RawFlag } from '../cli-flags.js';
import { AGENT, CONNECT, DASHBOARD, RECORD, REPLAY } from './command-flags.js';
import { configPath, MAX_CONFIG_BYTES, parseConfig, settingKeys } from './config-file.js';
import { SCREEN_PREF_KEYS } from './screen-prefs.js';
import { readSmallFile } from './small-file.js';

/** The file's sections: one per command with settings; `dashboard` is `tmon` itself. */
const SECTIONS = { dashboard: DASHBOARD, agent: AGENT, connect: CONNECT, record: RECORD, replay: REPLAY } as const;
export type ConfigSection = keyof typeof SECTIONS;

/** Sections whose command opens a dashboard: they also take the dashboard preferences. */
const SCREENS: ReadonlySet<ConfigSection> = new Set(['dashboard', 'connect', 'replay']);

function sectionKeys(): Record<string, readonly string[]> {
  const keys: Record<string, readonly string[]> = {};
  for (const [name, spec] of Object.entries(SECTIONS)) {
    keys[name] = [...settingKeys(spec.flags), ...(SCREENS.has(name as ConfigSection) ? SCREEN_PREF_KEYS : [])];
  }
  return keys;
}

type Parsed<T extends FlagTable> = Extract<ParsedCommand<T>, { help: false }>;

export interface Configured<T extends FlagTable> {
  values: FlagValues<T>;
  /** As typed or as the file set it; undefined where neither gave it. */
  raw: Readonly<Record<string, RawFlag>>;
}

/**
 * The command's values with the config file under them: `--config FILE`, else
 * the usual file when there is one (its absence is no error). `extra` are keys
 * of the file only (the dashboard preferences), their defaults when it does not set them.
 */
export function withConfig<T extends FlagTable, E extends FlagTable = Record<never, never>>(
  section: ConfigSection,
  spec: CommandSpec<T>,
  args: Parsed<T>,
  extra?: E,
  env: NodeJS.ProcessEnv = process.env,
): Configured<T & E> {
  const given = args.raw['config'];
  const path = typeof given === 'string' ? given : configPath(env);
  const extraFlags: FlagTable = extra ?? {};
  const values: Record<string, unknown> = { ...args.values };
  for (const [name, f] of Object.entries(extraFlags)) values[name] = f.read(undefined, name);
  const raw: Record<string, RawFlag> = { ...args.raw };
  if (path === undefined || (typeof given !== 'string' && !existsSync(path))) return { values: values as FlagValues<T & E>, raw };
  const text = readSmallFile(path, `config ${path}`, MAX_CONFIG_BYTES).toString('utf8');
  const file = parseConfig(text, path, { section, flags: { ...spec.flags, ...extraFlags }, keys: sectionKeys() });
  for (const [name, value] of Object.entries(file.values)) {
    // A flag given on the command line wins over the file.
    if (args.raw[name] !== undefined) continue;
    values[name] = value;
    raw[name] = file.raw[name];
  }
  return { values: values as FlagValues<T & E>, raw };
}
