import { describe, expect, it } from 'vitest';
import { KEY_HELP, keyAction } from '../src/ui/keys.js';
import { initialState, type UiState } from '../src/ui/state.js';

const live = initialState(null);
const replay = initialState({ cursor: 0 });
const key = (full: string, ch?: string): { full: string; ch?: string } => ({ full, ch });

describe('keyAction', () => {
  it('maps the dashboard keys', () => {
    expect(keyAction(key('q'), live)).toEqual({ type: 'quit' });
    expect(keyAction(key('C-c'), live)).toEqual({ type: 'quit' });
    expect(keyAction(key('space'), live)).toEqual({ type: 'togglePause' });
    expect(keyAction(key('left'), live)).toEqual({ type: 'step', samples: -1 });
    expect(keyAction(key('S-right'), replay)).toEqual({ type: 'stepTime', ms: 3_600_000 });
    expect(keyAction(key('c'), live)).toEqual({ type: 'sort', key: 'cpu' });
    expect(keyAction(key('m'), live)).toEqual({ type: 'sort', key: 'mem' });
    expect(keyAction(key('tab'), live)).toEqual({ type: 'focus' });
    expect(keyAction(key('home'), live)).toEqual({ type: 'scroll', by: 'home' });
    expect(keyAction(key('S-n'), replay)).toEqual({ type: 'spike', dir: -1 });
    expect(keyAction(key('S-h', 'H'), live)).toEqual({ type: 'storedHistory' });
    expect(keyAction(key('x'), live)).toBeNull();
  });

  it('PgUp/PgDn page the focused panel live and move the cursor a minute otherwise', () => {
    expect(keyAction(key('pageup'), live)).toEqual({ type: 'scroll', by: 'pageUp' });
    expect(keyAction(key('pagedown'), replay)).toEqual({ type: 'stepTime', ms: 60_000 });
    expect(keyAction(key('pageup'), { ...live, mode: 'paused' })).toEqual({ type: 'stepTime', ms: -60_000 });
  });

  it('sends typing to the go-to prompt, q included', () => {
    const prompt: UiState = { ...live, overlay: { kind: 'goto', text: '' } };
    expect(keyAction(key('q', 'q'), prompt)).toEqual({ type: 'gotoInput', text: 'q' });
    expect(keyAction(key('-', '-'), prompt)).toEqual({ type: 'gotoInput', text: '-' });
    expect(keyAction(key('enter', '\r'), prompt)).toEqual({ type: 'gotoSubmit' });
    expect(keyAction(key('backspace', '\x7f'), prompt)).toEqual({ type: 'gotoBackspace' });
    expect(keyAction(key('escape'), prompt)).toEqual({ type: 'close' });
    expect(keyAction(key('left'), prompt)).toBeNull();
    expect(keyAction(key('C-c'), prompt)).toEqual({ type: 'quit' });
  });

  it('lets an overlay take only its closing keys (and quit)', () => {
    const help: UiState = { ...live, overlay: { kind: 'help' } };
    expect(keyAction(key('?'), help)).toEqual({ type: 'help' });
    expect(keyAction(key('escape'), help)).toEqual({ type: 'help' });
    expect(keyAction(key('left'), help)).toBeNull();
    expect(keyAction(key('q'), help)).toEqual({ type: 'quit' });
    const inspect: UiState = { ...live, overlay: { kind: 'inspect', process: { key: 'k', pid: 1, name: 'a', user: 'u', cmd: '' } } };
    expect(keyAction(key('escape'), inspect)).toEqual({ type: 'close' });
    expect(keyAction(key('space'), inspect)).toBeNull();
  });

  it('documents every key it binds', () => {
    expect(KEY_HELP.find(([k]) => k === 'H')?.[1]).toMatch(/stored history/);
    const documented = KEY_HELP.map(([k]) => k).join(' ');
    for (const k of ['q', 'space', 'Tab', 'PgUp', 'Home', 'Enter', 'n  N', 'g', 'p', '1', 'u  t', '?', 'c  m', 'i']) expect(documented).toContain(k);
  });
});
