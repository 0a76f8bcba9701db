/**
 * Every colour the screens draw with, one table per theme: widgets read their
 * colours here and never choose one themselves. `dark` suits a dark terminal
 * background, `light` a white one (no yellow, cyan or white text), `mono` has
 * no colour at all (what NO_COLOR gives whatever theme is chosen).
 */

export const THEME_NAMES = ['dark', 'light', 'mono'] as const;
export type ThemeName = (typeof THEME_NAMES)[number];

/**
 * A blessed element style: colours and attributes (bold, inverse). Colours are the
 * 16 named ones only: blessed matches a '#rrggbb' to the nearest of the first 8
 * (so '#808080' comes out yellow), and a tag cannot name a 256-colour index.
 */
export type ElementStyle = Readonly<Record<string, string | boolean>>;

/** How a list line stands out (list-panel.ts). */
export type Tone = 'critical' | 'warning' | 'muted';

export interface Theme {
  readonly name: ThemeName;
  /** False: no colour at all; the screen also strips any colour a widget's content asks for. */
  readonly color: boolean;
  /** A panel's border, and the focused panel's. */
  readonly border: ElementStyle;
  readonly focusedBorder: ElementStyle;
  /** "panel CPU failed: …" in place of a panel's content. */
  readonly panelError: ElementStyle;
  readonly statusBar: ElementStyle;
  /** The one-line prompts: go to a time, filter, search. */
  readonly prompt: ElementStyle;
  /** The border of the help, signal and inspector overlays. */
  readonly overlayBorder: ElementStyle;
  /** Colours of a chart's series in order (repeating); empty: series are not coloured. */
  readonly series: readonly string[];
  /** Colour of a list line with a tone; absent: the line is not coloured. */
  readonly tones: Readonly<Partial<Record<Tone, string>>>;
}

const THEMES: Readonly<Record<ThemeName, Theme>> = {
  dark: {
    name: 'dark',
    color: true,
    border: { fg: 'blue' },
    focusedBorder: { fg: 'cyan' },
    panelError: { fg: 'red' },
    statusBar: { fg: 'black', bg: 'cyan' },
    prompt: { fg: 'black', bg: 'yellow' },
    overlayBorder: { fg: 'yellow' },
    series: ['green', 'yellow', 'cyan', 'magenta', 'red', 'blue', 'white'],
    tones: { critical: 'red', warning: 'magenta', muted: 'gray' },
  },
  // No yellow, cyan, white or bright green text: they vanish on white. Backgrounds may be light.
  light: {
    name: 'light',
    color: true,
    border: { fg: 'blue' },
    focusedBorder: { fg: 'magenta' },
    panelError: { fg: 'red' },
    statusBar: { fg: 'white', bg: 'blue' },
    prompt: { fg: 'black', bg: 'yellow' },
    overlayBorder: { fg: 'magenta' },
    series: ['green', 'blue', 'magenta', 'red', 'black', 'gray'],
    tones: { critical: 'red', warning: 'magenta', muted: 'gray' },
  },
  // Without colour, what colour marked is shown by attributes: a bold focused border, an inverse status bar.
  mono: {
    name: 'mono',
    color: false,
    border: {},
    focusedBorder: { bold: true },
    panelError: { bold: true },
    statusBar: { inverse: true },
    prompt: { inverse: true },
    overlayBorder: {},
    series: [],
    tones: {},
  },
};

export function themeNamed(name: ThemeName): Theme {
  return THEMES[name];
}

/**
 * The theme to draw with: the one chosen (dark when none), or mono when colour is
 * off (NO_COLOR), which wins over every choice.
 */
export function chosenTheme(name: ThemeName | undefined, color: boolean): Theme {
  return THEMES[color ? (name ?? 'dark') : 'mono'];
}

/** The i-th series' colour (repeating), or undefined when the theme has none. */
export function seriesColor(theme: Theme, i: number): string | undefined {
  return theme.series.length > 0 ? theme.series[i % theme.series.length] : undefined;
}
