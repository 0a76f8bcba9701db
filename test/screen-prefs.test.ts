import { afterEach, describe, expect, it } from 'vitest';
import { parseConfig, settingKeys } from '../src/commands/config-file.js';
import { DASHBOARD } from '../src/commands/command-flags.js';
import { SCREEN_PREF_KEYS, screenPrefFlags, screenPrefs, type ScreenPrefValues } from '../src/commands/screen-prefs.js';
import type { Sample } from '../src/core/sample.js';
import { liveHub, liveView } from '../src/session/session-view.js';
import { startDashboard, type Dashboard } from '../src/ui/dashboard.js';
import { PANELS } from '../src/ui/panels/registry.js';
import { HeadlessTerminal } from './helpers/headless-terminal.js';
import { makeProcess, makeSample } from './helpers/make-sample.js';
import { ScriptedSource } from './helpers/scripted-source.js';

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

let term: HeadlessTerminal | undefined;
let dash: Dashboard | undefined;
let source: ScriptedSource | undefined;

afterEach(async () => {
  dash?.destroy();
  await source?.close();
  term?.dispose();
  dash = source = term = undefined;
});

describe('the dashboard opened with preferences', () => {
  it('sorts as the file says and hides a panel its size would show', async () => {
    term = new HeadlessTerminal(200, 50);
    const processes = [makeProcess({ pid: 10, name: 'hot', cpu: 90, rss: 1e6 }), makeProcess({ pid: 11, name: 'fat', cpu: 1, rss: 9e9 })];
    const samples: Sample[] = [0, 1, 2].map((i) => makeSample({ time: Date.UTC(2026, 10, 22, 3, 0, i), processes }));
    source = new ScriptedSource(samples);
    dash = startDashboard({ io: term.io, view: liveView(liveHub(source, { top: 15 }).start()), color: true, prefs: prefsOf('sort = "mem"\nhide = ["users"]\n') });
    const fed = source;
    const s = await term.waitFor((x) => /Processes by memory/.test(x) && fed.delivered === samples.length && /fat/.test(x));
    // 200x50 shows the users panel unless hidden.
    expect(s).not.toMatch(/Users/);
    expect(s.indexOf('fat')).toBeLessThan(s.indexOf('hot'));
  });
});
