import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { configPath, keyLine, parseConfig, settingKeys, type ConfigSchema } from '../src/commands/config-file.js';
import { AGENT, DASHBOARD } from '../src/commands/command-flags.js';
import { screenPrefFlags, SCREEN_PREF_KEYS } from '../src/commands/screen-prefs.js';
import { UserError } from '../src/core/errors.js';

const FILE = '/home/ann/.config/tmon/config.toml';

/** The running command is the local dashboard; agent keys are known by name. */
const SCHEMA: ConfigSchema = {
  section: 'dashboard',
  flags: { ...DASHBOARD.flags, ...screenPrefFlags(['users', 'events', 'disks']) },
  keys: { dashboard: [...settingKeys(DASHBOARD.flags), ...SCREEN_PREF_KEYS], agent: settingKeys(AGENT.flags) },
};

/** The one line a bad file gives (and that it is one: no newline, a UserError). */
function problem(text: string, schema: ConfigSchema = SCHEMA): string {
  try {
    parseConfig(text, FILE, schema);
  } catch (err) {
    expect(err).toBeInstanceOf(UserError);
    const message = (err as UserError).message;
    expect(message).not.toContain('\n');
    return message;
  }
  throw new Error('no error');
}

describe('parseConfig', () => {
  it('reads the keys the running command takes, typed by its flags, a section over the top', () => {
    const text = ['# comment', 'interval = "2s"', 'top = 30', 'cpu-threshold = 85', '', '[dashboard]', 'interval = 0.5', 'theme = "light"', 'sort = "mem"', 'sort-reverse = true', 'show = ["users"]', '', '[agent]', 'listen = "0.0.0.0:7654"'].join('\n');
    const { values, raw } = parseConfig(text, FILE, SCHEMA);
    expect(values).toEqual({ interval: 500, top: 30, 'cpu-threshold': 85, theme: 'light', sort: 'mem', 'sort-reverse': true, show: ['users'] });
    expect(raw['interval']).toBe('0.5');
    // The agent's section is not the running command's: nothing of it is read.
    expect(values).not.toHaveProperty('listen');
  });

  it('leaves alone a top-level key only another command takes', () => {
    expect(parseConfig('max-viewers = 4\n', FILE, SCHEMA).values).toEqual({});
  });

  it('a syntax error: the file, the line, and what is wrong', () => {
    expect(problem('interval = "1s"\ntop = = 3\n')).toBe(`config ${FILE} line 2: Invalid TOML document: invalid value`);
  });

  it('an unknown key, at the top and in a section, with its line', () => {
    expect(problem('interval = "1s"\nintervall = "2s"\n')).toBe(`config ${FILE} line 2: unknown key 'intervall' (keys are the long flag names: see --help)`);
    expect(problem('[agent]\nlisten = ":1"\n\nmax-viewrs = 3\n')).toBe(`config ${FILE} line 4: unknown key 'max-viewrs' in [agent] (keys are the long flag names: see --help)`);
    // Not a setting, though a flag.
    expect(problem('help = true\n')).toMatch(/line 1: unknown key 'help'/);
    expect(problem('[dashboard]\nversion = true\n')).toMatch(/line 2: unknown key 'version' in \[dashboard\]/);
  });

  it('an unknown section, and a section written as a value', () => {
    expect(problem('top = 3\n[agnet]\nlisten = ":1"\n')).toBe(`config ${FILE} line 2: unknown section [agnet] (sections: dashboard, agent)`);
    expect(problem('agent = 3\n')).toBe(`config ${FILE} line 1: 'agent' is a command's section: write it as [agent]`);
  });

  it('a value of the wrong type', () => {
    expect(problem('top = true\n')).toBe(`config ${FILE} line 1: top must be a word or a number, got true`);
    expect(problem('\n\n[dashboard]\nsort-reverse = "yes"\n')).toBe(`config ${FILE} line 4: sort-reverse must be true or false, got 'yes'`);
    expect(problem('show = [1, {}]\n')).toBe(`config ${FILE} line 1: show must be a list of words, e.g. ["a", "b"]`);
    expect(problem('interval = 1979-05-27\n')).toBe(`config ${FILE} line 1: interval must be a word or a number, got a date`);
  });

  it("a value out of range: the flag's own words, with the key for the flag", () => {
    expect(problem('top = 0\n')).toBe(`config ${FILE} line 1: top must be a number from 1 to 500, got '0'`);
    expect(problem('[dashboard]\ninterval = "10ms"\n')).toMatch(new RegExp(`^config ${FILE} line 2: interval must be a duration from 200ms to 1m .*got '10ms'$`));
    expect(problem('theme = "blue"\n')).toBe(`config ${FILE} line 1: theme must be dark or light or mono, got 'blue'`);
    expect(problem('sort = "size"\n')).toMatch(/line 1: sort must be pid or user or cpu or mem/);
    expect(problem('hide = ["cpu"]\n')).toBe(`config ${FILE} line 1: hide takes optional panels (users, events, disks), got 'cpu'`);
  });

  it('keeps what the file says harmless in the message: escapes shown as ?, long text cut', () => {
    const message = problem(`top = "\\u001b]0;PWN\\u0007${'x'.repeat(5000)}"\n`);
    // eslint-disable-next-line no-control-regex -- no control character may reach the terminal
    expect(message).not.toMatch(/[\x00-\x1f]/);
    expect(message.length).toBeLessThan(400);
    expect(problem(`"\\u001b[2J${'k'.repeat(500)}" = 1\n`)).toMatch(/: unknown key '\?\[2Jk+…'/);
  });
});

describe("the README's example file", () => {
  it('is read without a complaint by the dashboard and by the agent', () => {
    const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
    const example = /```toml\n([\s\S]*?)```/.exec(readme)?.[1] ?? '';
    expect(example).toContain('[agent]');
    expect(parseConfig(example, FILE, SCHEMA).values).toMatchObject({ interval: 2000, theme: 'light', sort: 'mem', hide: ['events'] });
    const agent = parseConfig(example, FILE, { ...SCHEMA, section: 'agent', flags: AGENT.flags });
    expect(agent.values).toMatchObject({ interval: 2000, listen: { host: '0.0.0.0', port: 7654 }, store: '/var/lib/tmon' });
    expect(agent.values).not.toHaveProperty('theme');
  });
});

describe('keyLine', () => {
  it('finds a key in its section, quoted or dotted, and a section header', () => {
    const lines = ['top = 1', '[agent]', '  "top" = 2', '[dashboard]', 'show.x = 3'];
    expect(keyLine(lines, null, 'top')).toBe(1);
    expect(keyLine(lines, 'agent', 'top')).toBe(3);
    expect(keyLine(lines, 'dashboard', 'show')).toBe(5);
    expect(keyLine(lines, null, 'agent')).toBe(2);
    expect(keyLine(lines, 'dashboard', 'top')).toBeUndefined();
  });
});

describe('configPath', () => {
  it('is $XDG_CONFIG_HOME/tmon/config.toml, else ~/.config/tmon/config.toml', () => {
    expect(configPath({ XDG_CONFIG_HOME: '/srv/conf/', HOME: '/home/ann' })).toBe('/srv/conf/tmon/config.toml');
    expect(configPath({ HOME: '/home/ann' })).toBe('/home/ann/.config/tmon/config.toml');
    // The XDG spec: a relative or empty path is ignored.
    expect(configPath({ XDG_CONFIG_HOME: 'conf', HOME: '/home/ann' })).toBe('/home/ann/.config/tmon/config.toml');
    expect(configPath({ XDG_CONFIG_HOME: '', HOME: '/home/ann' })).toBe('/home/ann/.config/tmon/config.toml');
    expect(configPath({})).toBeUndefined();
  });
});

describe('settingKeys', () => {
  it("are a command's long flag names but the ones that act once (help, version, config)", () => {
    const keys = settingKeys(DASHBOARD.flags);
    expect(keys).toContain('interval');
    expect(keys).toContain('cpu-threshold');
    expect(keys).toContain('theme');
    expect(keys).not.toContain('help');
    expect(keys).not.toContain('version');
    expect(keys).not.toContain('config');
    expect(settingKeys(AGENT.flags)).toContain('listen');
  });
});
