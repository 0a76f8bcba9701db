import blessed from 'blessed';
import { afterEach, describe, expect, it } from 'vitest';
import { createScreen, stripColors } from '../src/ui/screen.js';
import { HeadlessTerminal, hasColorSgr } from './helpers/headless-terminal.js';

const PROFILE = { terminal: 'xterm-256color', unicode: true };

describe('createScreen', () => {
  let term: HeadlessTerminal | undefined;
  afterEach(() => term?.dispose());

  async function draw(color: boolean): Promise<{ raw: string; text: string }> {
    term = new HeadlessTerminal(40, 6);
    const screen = createScreen(term.io, PROFILE, color);
    const box = blessed.box({ screen, top: 0, left: 0, width: 30, height: 4, border: { type: 'line' }, tags: true, style: { fg: 'red', bg: 'blue', border: { fg: 'green' } } });
    screen.append(box);
    box.setContent('{yellow-fg}{bold}warm{/bold}{/yellow-fg} \x1b[38;5;202morange\x1b[39m');
    screen.render();
    const text = await term.text();
    const raw = term.rawSince(0);
    screen.destroy();
    return { raw, text };
  }

  it('draws colors when asked', async () => {
    const { raw, text } = await draw(true);
    expect(hasColorSgr(raw)).toBe(true);
    expect(text).toContain('warm orange');
  });

  it('with color off (NO_COLOR) writes no color SGR at all, keeping bold and the text', async () => {
    const { raw, text } = await draw(false);
    expect(hasColorSgr(raw)).toBe(false);
    expect(raw).toContain('\x1b[1m');
    expect(text).toContain('warm orange');
  });

  it('enters the alternate screen and hides the cursor; destroy restores both', async () => {
    term = new HeadlessTerminal(40, 6);
    const screen = createScreen(term.io, PROFILE, true);
    screen.render();
    await term.flush();
    expect(term.onAlternateScreen).toBe(true);
    const mark = term.bytesWritten;
    screen.destroy();
    await term.flush();
    expect(term.rawSince(mark)).toContain('\x1b[?1049l');
    expect(term.rawSince(mark)).toContain('\x1b[?25h');
    expect(term.onAlternateScreen).toBe(false);
  });
});

describe('stripColors', () => {
  it('resets foreground and background of every cell in the rows, keeping the flags', () => {
    const bold = 1 << 18;
    const red = 1 << 9;
    const blue = 4;
    const lines: [number, string][][] = [[[bold | red | blue, 'a']], [[red | blue, 'b']]];
    stripColors(lines, 0, 0);
    expect(lines[0]?.[0]).toEqual([bold | 0x3ffff, 'a']);
    expect(lines[1]?.[0]).toEqual([red | blue, 'b']);
  });
});
