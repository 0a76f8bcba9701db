/**
 * The dashboards' standing preferences, keys of the config file only (the
 * keys act on the dashboard while it runs): the process table's order and which
 * optional panels show. Written as flags so the file reads them as it reads
 * every other key.
 */
import { choiceFlag, switchFlag, type Flag, type FlagValues } from '../cli-flags.js';
import { UsageError } from '../core/errors.js';
import type { ScreenPrefs } from '../ui/dashboard.js';
import { SORT_COLUMNS } from '../ui/process-sort.js';
import type { ThemeName } from '../ui/theme.js';

/** Ids of optional panels (those with a show/hide key), checked against `panels`. */
function panelListFlag(panels: readonly string[], help: string): Flag<string[]> {
  return {
    type: 'string',
    multiple: true,
    value: 'PANELS',
    help,
    read: (raw, name) => {
      const ids = Array.isArray(raw) ? raw : [];
      const wrong = ids.find((id) => !panels.includes(id));
      if (wrong !== undefined) throw new UsageError(`--${name} takes optional panels (${panels.join(', ')}), got '${wrong}'`);
      return ids;
    },
  };
}

/** The preference keys; `optionalPanels` are the panel ids show and hide accept. */
export function screenPrefFlags(optionalPanels: readonly string[]) {
  return {
    sort: choiceFlag(SORT_COLUMNS, "the process table's order", 'cpu'),
    'sort-reverse': switchFlag('that order reversed'),
    show: panelListFlag(optionalPanels, 'optional panels shown at any terminal size'),
    hide: panelListFlag(optionalPanels, 'optional panels hidden at any terminal size'),
  };
}

export type ScreenPrefValues = FlagValues<ReturnType<typeof screenPrefFlags>>;

/** The key names alone, for commands without a dashboard (they only tell them from misspelt keys). */
export const SCREEN_PREF_KEYS: readonly string[] = Object.keys(screenPrefFlags([]));

/** The preferences as the dashboard takes them; hide wins over show for a panel named in both. */
export function screenPrefs(values: ScreenPrefValues & { theme: ThemeName }): ScreenPrefs {
  const toggles: Record<string, boolean> = {};
  for (const id of values.show) toggles[id] = true;
  for (const id of values.hide) toggles[id] = false;
  return { theme: values.theme, sort: { column: values.sort, reverse: values['sort-reverse'] }, toggles };
}
