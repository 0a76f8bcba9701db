import blessed from 'blessed';
import { afterEach, describe, expect, it } from 'vitest';
import { colorEnabled } from '../src/commands/shared-options.js';
import type { Sample } from '../src/core/sample.js';
import { chosenTheme, THEME_NAMES, themeNamed, type ThemeName } from '../src/ui/theme.js';
import { hasColorSgr, HeadlessTerminal } from './helpers/headless-terminal.js';
import { HeadlessDashboard } from './helpers/headless-dashboard.js';
import { makeProcess, makeSample } from './helpers/make-sample.js';

/** Palette colours that vanish on a white background: yellow, cyan and white, plain and bright, and bright green. */
const PALE = new Set([3, 6, 7, 10, 11, 14, 15]);

describe('chosenTheme', () => {
  it('is the one chosen, dark when none, and mono whenever colour is off (NO_COLOR wins)', () => {
    expect(chosenTheme(undefined, true).name).toBe('dark');
    expect(chosenTheme('light', true).name).toBe('light');
    for (const name of THEME_NAMES) expect(chosenTheme(name, false).name).toBe('mono');
    expect(chosenTheme('light', colorEnabled({ NO_COLOR: '1' })).name).toBe('mono');
    // An empty NO_COLOR is no request (no-color.org).
    expect(chosenTheme('light', colorEnabled({ NO_COLOR: '' })).name).toBe('light');
  });

  it("light's text colours are none that vanish on white, as blessed turns the names into colours", () => {
    // blessed's own conversion (a '#rrggbb' it matches to the nearest of only 8 colours).
    const { convert } = blessed.colors as unknown as { convert: (c: string) => number };
    const light = themeNamed('light');
    const textColors = [
      ...[light.border, light.focusedBorder, light.panelError, light.overlayBorder].map((s) => s['fg']),
      ...light.series,
      ...Object.values(light.tones),
    ];
    expect(textColors.length).toBeGreaterThan(10);
    for (const c of textColors) {
      expect(typeof c, String(c)).toBe('string');
      const index = convert(c as string);
      // 0x1ff: a name blessed does not know, drawn in the terminal's default.
      expect(index, String(c)).not.toBe(0x1ff);
      expect(PALE.has(index), `${String(c)} → ${index}`).toBe(false);
    }
  });

  it('mono names no colour anywhere', () => {
    expect(JSON.stringify(themeNamed('mono'))).not.toMatch(/"(fg|bg)"/);
    expect(themeNamed('mono').series).toEqual([]);
    expect(themeNamed('mono').tones).toEqual({});
  });
});

const ui = new HeadlessDashboard();
afterEach(() => ui.close());

const T0 = new Date(2026, 10, 22, 3, 0, 0).getTime();

const GiB = 2 ** 30;
/** Mounts 95 % and 98 % full: a warning and a critical line in the disk panel. */
const FULL = [
  { mount: '/nearly', device: 'sda1', fsType: 'ext4', sizeBytes: GiB, usedBytes: 0.95 * GiB },
  { mount: '/full', device: 'sdb1', fsType: 'ext4', sizeBytes: GiB, usedBytes: 0.98 * GiB },
];

/**
 * The dashboard at 160x40 (the disk panel shows) with a few samples, in `theme`
 * (colour off: as NO_COLOR); a process that exits leaves a muted row.
 */
async function open(theme: ThemeName, color = true): Promise<HeadlessTerminal> {
  const busy = makeProcess({ pid: 10, name: 'busy', cpu: 90 });
  const gone = makeProcess({ pid: 11, name: 'gone', cpu: 30 });
  const samples: Sample[] = [0, 1, 2, 3].map((i) => ({ ...makeSample({ time: T0 + i * 1000, processes: i < 3 ? [busy, gone] : [busy] }), filesystems: FULL }));
  await ui.live(160, 40, samples, { color, prefs: { theme } });
  const term = ui.term as HeadlessTerminal;
  await new Promise((r) => setTimeout(r, 250));
  await term.flush();
  return term;
}

/** Cells on the terminal's own background whose text is drawn in a pale colour. */
function paleCells(t: HeadlessTerminal): number {
  const buf = t.term.buffer.active;
  let n = 0;
  for (let y = 0; y < t.term.rows; y++) {
    const line = buf.getLine(buf.viewportY + y);
    for (let x = 0; x < t.term.cols; x++) {
      const cell = line?.getCell(x);
      if (cell && cell.getChars().trim() !== '' && cell.isBgDefault() && cell.isFgPalette() && PALE.has(cell.getFgColor())) n++;
    }
  }
  return n;
}

describe('the dashboard in each theme', () => {
  it('dark draws text in yellow, cyan or white on the background (as it always has)', async () => {
    const t = await open('dark');
    expect(hasColorSgr(t.rawSince(0))).toBe(true);
    expect(paleCells(t)).toBeGreaterThan(0);
  });

  it('light draws in colour, none of it pale text on the (white) background; its status bar is white on blue', async () => {
    const t = await open('light');
    expect(hasColorSgr(t.rawSince(0))).toBe(true);
    // The warning and critical disk lines and the exited (muted) process are on screen, coloured.
    const text = await t.text();
    for (const shown of ['/nearly', '/full', 'gone']) expect(text).toContain(shown);
    expect(paleCells(t)).toBe(0);
    const buf = t.term.buffer.active;
    const status = buf.getLine(buf.viewportY + t.term.rows - 1)?.getCell(0);
    expect(status?.getBgColor()).toBe(4);
    expect(status?.getFgColor()).toBe(7);
  });

  it('mono writes no colour SGR at all', async () => {
    const t = await open('mono');
    expect(hasColorSgr(t.rawSince(0))).toBe(false);
    expect(await t.text()).toContain('busy');
  });

  it('NO_COLOR beats theme = "light": no colour SGR', async () => {
    const t = await open('light', colorEnabled({ NO_COLOR: '1' }));
    expect(hasColorSgr(t.rawSince(0))).toBe(false);
    expect(await t.text()).toContain('Processes by CPU');
  });
});
