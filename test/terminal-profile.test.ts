import { describe, expect, it } from 'vitest';
import { terminalProfile } from '../src/ui/terminal-profile.js';

describe('terminalProfile', () => {
  it.each([
    [{ TERM: 'xterm-256color' }, 'xterm-256color'],
    [{ TERM: 'xterm' }, 'xterm'],
    [{ TERM: 'xterm', COLORTERM: 'truecolor' }, 'xterm-256color'],
    [{ TERM: 'linux' }, 'linux'],
    // Names blessed has no copy of (it would print a terminfo compile error over the screen).
    [{ TERM: 'screen-256color' }, 'xterm-256color'],
    [{ TERM: 'tmux-256color' }, 'xterm-256color'],
    [{ TERM: 'alacritty' }, 'xterm-256color'],
    [{ TERM: 'dumb' }, 'xterm-256color'],
    [{}, 'xterm-256color'],
  ])('%j → %s', (env, terminal) => {
    expect(terminalProfile(env).terminal).toBe(terminal);
  });

  it.each([
    [{ LANG: 'en_US.UTF-8' }, true],
    [{ LANG: 'C.utf8' }, true],
    [{}, true],
    [{ LANG: 'C' }, true],
    [{ LANG: 'en_US.ISO-8859-1' }, false],
    [{ LANG: 'en_US' }, false],
    // LC_ALL overrides LANG, as in libc.
    [{ LANG: 'en_US.UTF-8', LC_ALL: 'de_DE.ISO-8859-15' }, false],
    [{ LANG: 'en_US', LC_CTYPE: 'en_US.UTF-8' }, true],
  ])('unicode for %j: %s', (env, unicode) => {
    expect(terminalProfile(env).unicode).toBe(unicode);
  });
});
