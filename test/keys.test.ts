import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { KEY_HELP, keyAction, keyTableMarkdown, panelBindings, type KeyPress } from '../src/ui/keys.js';
import { PANELS } from '../src/ui/panels/registry.js';
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

  it('takes the panels’ keys from the registry: their own keys and the show/hide toggles', () => {
    expect(keyAction(key('1'), live)).toEqual({ type: 'perCore' });
    expect(keyAction(key('z'), live)).toEqual({ type: 'memZoom' });
    expect(keyAction(key('u'), live)).toEqual({ type: 'toggle', panel: 'users' });
    expect(keyAction(key('t'), live)).toEqual({ type: 'toggle', panel: 'events' });
    // Without the registry those keys mean nothing.
    expect(keyAction(key('c'), live, [])).toBeNull();
  });

  it('binds no key twice: a panel key neither clashes with the dashboard’s keys nor with another panel’s', () => {
    const seen = new Set<string>();
    for (const p of PANELS) {
      const keys = [...(p.keys ?? []).flatMap((k) => k.bind.map((b) => b.key)), ...(p.toggle ? [p.toggle.key] : [])];
      for (const k of keys) {
        expect(seen.has(k), `${k} bound twice`).toBe(false);
        seen.add(k);
        expect(keyAction(key(k), live, []), `${k} is also a dashboard key`).toBeNull();
      }
    }
    expect([...panelBindings(PANELS).keys()].sort()).toEqual([...seen].sort());
  });

  it('documents every panel key in the help, and the dashboard’s own', () => {
    const help = new Map(KEY_HELP);
    for (const p of PANELS) {
      for (const k of p.keys ?? []) expect(help.get(k.label)).toBe(k.help);
      if (p.toggle) expect(help.get(p.toggle.key)).toBe(p.toggle.help);
    }
    expect(help.get('H')).toMatch(/stored history/);
    expect(KEY_HELP.at(-1)?.[0]).toBe('?  Esc');
  });

  it('the README’s key table is the help table (regenerate it with `npm run readme:keys` after a build)', () => {
    const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
    const start = readme.indexOf('| keys | what they do |');
    expect(start, 'README has no key table').toBeGreaterThanOrEqual(0);
    const end = readme.indexOf('\n\n', start);
    expect(readme.slice(start, end === -1 ? undefined : end)).toBe(keyTableMarkdown());
  });
});

describe('process table keys', () => {
  const k = (full: string, ch?: string): KeyPress => ({ full, ch: ch ?? full });
  it('follows htop: / F3 F4 filter, F5 tree, F6 < > I sort, F9 k signal, F follow, P M T', () => {
    for (const f of ['/', 'f4']) expect(keyAction(k(f), live)).toEqual({ type: 'filterOpen' });
    expect(keyAction(k('f3'), live)).toEqual({ type: 'searchOpen' });
    expect(keyAction(k('f5'), live)).toEqual({ type: 'tree' });
    expect(keyAction(k('f6'), live)).toEqual({ type: 'sortStep', dir: 1 });
    expect(keyAction(k('<'), live)).toEqual({ type: 'sortStep', dir: -1 });
    expect(keyAction(k('S-i', 'I'), live)).toEqual({ type: 'sortReverse' });
    expect(keyAction(k('f9'), live)).toEqual({ type: 'signalOpen' });
    expect(keyAction(k('k'), live)).toEqual({ type: 'signalOpen' });
    expect(keyAction(k('S-f', 'F'), live)).toEqual({ type: 'follow' });
    expect(keyAction(k('S-p', 'P'), live)).toEqual({ type: 'sort', key: 'cpu' });
    expect(keyAction(k('S-m', 'M'), live)).toEqual({ type: 'sort', key: 'mem' });
    expect(keyAction(k('S-t', 'T'), live)).toEqual({ type: 'sort', key: 'start' });
    expect(keyAction(k('#'), live)).toEqual({ type: 'sort', key: 'pid' });
    expect(keyAction(k('-'), live)).toEqual({ type: 'fold', hide: true });
  });

  it('sends typing to the filter prompt (q and k included), Enter keeps, Esc clears; Esc outside clears a filter', () => {
    const filtering = { ...live, overlay: { kind: 'filter' } as const };
    expect(keyAction(k('q'), filtering)).toEqual({ type: 'filterInput', text: 'q' });
    expect(keyAction(k('k'), filtering)).toEqual({ type: 'filterInput', text: 'k' });
    expect(keyAction(k('S-n', 'N'), filtering)).toEqual({ type: 'filterInput', text: 'N' });
    expect(keyAction(k('enter', '\r'), filtering)).toEqual({ type: 'filterClose' });
    expect(keyAction(k('escape', '\x1b'), filtering)).toEqual({ type: 'filterClear' });
    expect(keyAction(k('backspace', '\x7f'), filtering)).toEqual({ type: 'filterBackspace' });
    expect(keyAction(k('escape', '\x1b'), { ...live, filter: 'ng' })).toEqual({ type: 'filterClear' });
    expect(keyAction(k('escape', '\x1b'), live)).toBeNull();
  });

  it('sends typing to the F3 search prompt; F3 or ↓ finds the next, Enter or Esc closes', () => {
    const searching = { ...live, overlay: { kind: 'search', text: 'ng' } as const };
    expect(keyAction(k('q'), searching)).toEqual({ type: 'searchInput', text: 'q' });
    expect(keyAction(k('f3'), searching)).toEqual({ type: 'searchNext' });
    expect(keyAction(k('down'), searching)).toEqual({ type: 'searchNext' });
    expect(keyAction(k('backspace', '\x7f'), searching)).toEqual({ type: 'searchBackspace' });
    expect(keyAction(k('enter', '\r'), searching)).toEqual({ type: 'close' });
    expect(keyAction(k('escape', '\x1b'), searching)).toEqual({ type: 'close' });
  });

  it('lets the signal prompt take ↑ ↓, Enter (send) and Esc, and q still quits', () => {
    const asking = { ...live, overlay: { kind: 'signal', choice: 0, target: { pid: 1, startTime: 0, name: 'x', user: 'u', cmd: '' } } as const };
    expect(keyAction(k('down'), asking)).toEqual({ type: 'signalChoose', dir: 1 });
    expect(keyAction(k('enter', '\r'), asking)).toEqual({ type: 'sendSignal' });
    expect(keyAction(k('escape', '\x1b'), asking)).toEqual({ type: 'close' });
    expect(keyAction(k('c'), asking)).toBeNull();
    expect(keyAction(k('q'), asking)).toEqual({ type: 'quit' });
  });
});
