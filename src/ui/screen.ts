import * as blessed from './widgets/blessed-parts.js';
import type { Widgets } from 'blessed';
import type { TerminalProfile } from './terminal-profile.js';

export interface TerminalIO {
  input: NodeJS.ReadableStream;
  output: NodeJS.WritableStream & { columns: number; rows: number; isTTY?: boolean };
}

/** A cell attribute's foreground and background bits (9 each); all ones means "terminal default". */
const DEFAULT_COLORS = 0x3ffff;

/**
 * The blessed screen on the given streams. With `color` false (NO_COLOR) every
 * cell's colors are reset to the terminal default just before blessed draws, so
 * no color SGR reaches the terminal whatever a widget asked for (content may
 * embed color escapes); bold, underline and inverse stay.
 */
export function createScreen(io: TerminalIO, profile: TerminalProfile, color: boolean): Widgets.Screen {
  const screen = blessed.screen({
    // @types/blessed declares these two the wrong way round.
    input: io.input as unknown as Widgets.IScreenOptions['input'],
    output: io.output as unknown as Widgets.IScreenOptions['output'],
    terminal: profile.terminal,
    forceUnicode: profile.unicode,
    // Wide characters (CJK, emoji) drawn as themselves in two columns, as core/text-width.ts counts them; without it blessed draws `??`.
    fullUnicode: profile.unicode,
    // blessed draws its terminfo warnings as a box over the screen; tmon chooses the terminal itself.
    warnings: false,
    smartCSR: true,
    autoPadding: true,
  });
  if (!color) {
    const draw = screen.draw.bind(screen);
    // blessed keeps its cell grid in `lines`; @types/blessed does not declare it.
    const grid = screen as unknown as { lines: [number, string][][] };
    screen.draw = (start: number, end: number): void => {
      stripColors(grid.lines, start, end);
      draw(start, end);
    };
  }
  return screen;
}

/** Rows start..end of blessed's cell grid ([attr, char] per cell), colors reset in place. */
export function stripColors(lines: readonly (readonly [number, string][])[], start: number, end: number): void {
  for (let y = Math.max(0, start); y <= end && y < lines.length; y++) {
    const line = lines[y] as [number, string][];
    for (const cell of line) cell[0] |= DEFAULT_COLORS;
  }
}
