import { afterEach, describe, expect, it } from 'vitest';
import { parseConfig, settingKeys } from '../src/commands/config-file.js';
import { DASHBOARD } from '../src/commands/command-flags.js';
import { SCREEN_PREF_KEYS, screenPrefFlags, screenPrefs, type ScreenPrefValues } from '../src/commands/screen-prefs.js';
import type { Sample } from '../src/core/sample.js';
import { PANELS } from '../src/ui/panels/registry.js';
import { HeadlessDashboard } from './helpers/headless-dashboard.js';
import { makeProcess, makeSample } from './helpers/make-sample.js';

const OPTIONAL = PANELS.filter((p) => p.toggle).map((p) => p.id);
const FLAGS = { ...DASHBOARD.flags, ...screenPrefFlags(OPTIONAL) };

/** The preferences a config file's text gives the local dashboard. */
function prefsOf(text: string): ReturnType<typeof screenPrefs> {
  const { values } = parseConfig(text, 'config.toml', { section: 'dashboard', flags: FLAGS, keys: { dashboard: [...settingKeys(DASHBOARD.flags), ...SCREEN_PREF_KEYS] } });
  const defaults = Object.fromEntries(Object.entries(FLAGS).map(([k, f]) => [k, f.read(undefined, k)]));
  return screenPrefs({ ...defaults, ...values } as ScreenPrefValues & { theme: 'dark' });
}

describe('screenPrefs', () => {
  it('turns sort, sort-reverse, show and hide into the sort and panel toggles the dashboard opens with', () => {
    expect(prefsOf('theme = "light"\nsort = "mem"\nsort-reverse = true\nshow = ["users", "disks"]\nhide = ["disks", "events"]\n')).toEqual({
      theme: 'light',
      sort: { column: 'mem', reverse: true },
      // Hide wins over show for a panel named in both.
      toggles: { users: true, disks: false, events: false },
    });
    expect(prefsOf('')).toEqual({ theme: 'dark', sort: { column: 'cpu', reverse: false }, toggles: {} });
  });

  it('takes the optional panels of the registry, and only them', () => {
    expect(OPTIONAL.length).toBeGreaterThan(0);
    for (const id of OPTIONAL) expect(prefsOf(`show = ["${id}"]`).toggles).toEqual({ [id]: true });
    expect(() => prefsOf('show = ["processes"]')).toThrow(/show takes optional panels/);
  });
});

const ui = new HeadlessDashboard();
afterEach(() => ui.close());

describe('the dashboard opened with preferences', () => {
  it('sorts as the file says and hides a panel its size would show', async () => {
    const processes = [makeProcess({ pid: 10, name: 'hot', cpu: 90, rss: 1e6 }), makeProcess({ pid: 11, name: 'fat', cpu: 1, rss: 9e9 })];
    const samples: Sample[] = [0, 1, 2].map((i) => makeSample({ time: Date.UTC(2026, 10, 22, 3, 0, i), processes }));
    const s = await ui.live(200, 50, samples, { prefs: prefsOf('sort = "mem"\nhide = ["users"]\n') }, /Processes by memory[^]*fat/);
    // 200x50 shows the users panel unless hidden.
    expect(s).not.toMatch(/Users/);
    expect(s.indexOf('fat')).toBeLessThan(s.indexOf('hot'));
  });
});
