import { describe, expect, it } from 'vitest';
import { REPLACEMENT, csvText, sanitize, terminalJson } from '../src/core/sanitize.js';

const cp = (from: number, to: number): string[] => Array.from({ length: to - from + 1 }, (_, i) => String.fromCodePoint(from + i));

describe('sanitize', () => {
  it('shows every C0 control, DEL and every C1 control as one ?', () => {
    for (const ch of [...cp(0x00, 0x1f), '\x7f', ...cp(0x80, 0x9f)]) {
      expect(sanitize(`a${ch}b`), `U+${ch.charCodeAt(0).toString(16)}`).toBe('a?b');
    }
    expect(REPLACEMENT).toBe('?');
  });

  it('turns a title-setting, screen-clearing name into visible text', () => {
    expect(sanitize('\x1b]0;PWN\x07\x1b[2J')).toBe('?]0;PWN??[2J');
    expect(sanitize('\x9b2J')).toBe('?2J');
  });

  it('keeps a forged table row on the line it came in', () => {
    expect(sanitize('x\n  4242 root  99.9 FORGED\r\n')).toBe('x?  4242 root  99.9 FORGED??');
    expect(sanitize('a\tb')).toBe('a?b');
  });

  it('shows bidi embeddings, overrides, isolates and marks as ?', () => {
    const bidi = [...cp(0x202a, 0x202e), ...cp(0x2066, 0x2069), '\u200e', '\u200f', '\u061c'];
    for (const ch of bidi) expect(sanitize(`exe${ch}txt`), `U+${ch.charCodeAt(0).toString(16)}`).toBe('exe?txt');
    expect(sanitize('\u202egnp.exe')).toBe('?gnp.exe');
  });

  it('shows other invisible format characters and line separators as ?', () => {
    for (const ch of ['\u200b', '\u200c', '\u200d', '\u2060', '\u2061', '\ufeff', '\u00ad', '\u180e', '\ufff9', '\u2028', '\u2029']) {
      expect(sanitize(`ro${ch}ot`), `U+${ch.charCodeAt(0).toString(16)}`).toBe('ro?ot');
    }
    // Tag characters outside a flag: invisible text.
    expect(sanitize('a\u{E0041}\u{E0042}b')).toBe('a??b');
    expect(sanitize('a\u{E0001}b')).toBe('a?b');
  });

  it('shows lone surrogates as ? and keeps pairs', () => {
    expect(sanitize('a\ud800b')).toBe('a?b');
    expect(sanitize('a\udc00b')).toBe('a?b');
    expect(sanitize('\udc00\ud800')).toBe('??');
    expect(sanitize('a\ud83d\ude00b')).toBe('a😀b');
  });

  it('leaves CJK, accents and emoji (with their joiners, modifiers and flags) as they are, so their width does not change', () => {
    for (const text of ['日本語のプロセス', '한국어', 'naïve café', 'e\u0301', '🔥', '👍🏽', '❤️', '❤️‍🔥', '👨‍👩‍👧', '👩🏽‍💻', '🏳️‍🌈', '🇯🇵', '🏴󠁧󠁢󠁳󠁣󠁴󠁿', '1️⃣', '│▶…▁█']) {
      expect(sanitize(text)).toBe(text);
    }
  });

  it('replaces one character by one ?, so a line keeps its length', () => {
    const raw = 'ab\x1b\u202e\ud800cd';
    expect(sanitize(raw)).toHaveLength(raw.length);
  });

  it('returns plain text unchanged, the same string', () => {
    const s = 'sshd: alice@pts/0 [priv]';
    expect(sanitize(s)).toBe(s);
  });

  it('cuts at maxLength with an ellipsis, never inside a surrogate pair', () => {
    expect(sanitize('abcdef', 4)).toBe('abc…');
    expect(sanitize('abc', 4)).toBe('abc');
    expect(sanitize('ab😀cd', 4)).toBe('ab…');
    expect(sanitize(`${'\x1b'.repeat(100_000)}`, 10)).toBe(`${'?'.repeat(9)}…`);
  });
});

describe('csvText', () => {
  it('prefixes a cell a spreadsheet would read as a formula with a quote', () => {
    expect(csvText("=cmd|' /C calc'!A1")).toBe("'=cmd|' /C calc'!A1");
    expect(csvText('+1+1')).toBe("'+1+1");
    expect(csvText('-2+3')).toBe("'-2+3");
    expect(csvText('@SUM(A1)')).toBe("'@SUM(A1)");
    expect(csvText('\t=1')).toBe("'?=1");
    expect(csvText('\r=1')).toBe("'?=1");
  });

  it('leaves other text as it is, sanitised', () => {
    expect(csvText('node[42]')).toBe('node[42]');
    expect(csvText('a=b')).toBe('a=b');
    expect(csvText('\x1b[2Jx')).toBe('?[2Jx');
  });
});

describe('terminalJson', () => {
  it('escapes bidi, C1, DEL and separators as \\uXXXX, and parses back to the exact text', () => {
    const value = { name: '\u202egnp.exe', c1: '\x9b2J', del: '\x7f', sep: 'a\u2028b', tag: 'a\u{E0041}', esc: '\x1b]0;PWN\x07', cjk: '日本 👨‍👩‍👧' };
    const json = terminalJson(JSON.stringify(value));
    expect(json).toContain('\\u202e');
    expect(json).toContain('\\u009b');
    expect(json).toContain('\\u007f');
    expect(json).toContain('\\u2028');
    expect(json).toContain('\\udb40\\udc41');
    expect(json).toContain('日本');
    // eslint-disable-next-line no-control-regex -- the point: no control or format character left raw
    expect(json).not.toMatch(/[\x00-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\u2028\u2029]/);
    expect(JSON.parse(json)).toEqual(value);
  });
});
