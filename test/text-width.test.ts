import { describe, expect, it } from 'vitest';
import { displayWidth, fitWidth, padWidth, wrapWords } from '../src/core/text-width.js';

describe('display width', () => {
  it('counts ASCII one column each, CJK and emoji two, combining marks none', () => {
    expect(displayWidth('node')).toBe(4);
    expect(displayWidth('数据库')).toBe(6);
    expect(displayWidth('ｄｂ')).toBe(4);
    expect(displayWidth('한국')).toBe(4);
    expect(displayWidth('🔥x')).toBe(3);
    // A family joined into one picture counts once.
    expect(displayWidth('👨‍👩‍👧')).toBe(2);
    expect(displayWidth('e\u0301')).toBe(1);
  });

  it('cuts by columns, never inside a character, and pads to exactly the width', () => {
    expect(fitWidth('abcdef', 4)).toBe('abc…');
    expect(fitWidth('数据库服务', 6)).toBe('数据…');
    expect(displayWidth(fitWidth('数据库服务', 6))).toBeLessThanOrEqual(6);
    // The second wide character would straddle the edge: it goes, and the pad fills the column.
    expect(fitWidth('数据库', 4)).toBe('数…');
    expect(padWidth('数据库', 4)).toBe('数… ');
    expect(padWidth('数据', 6)).toBe('数据  ');
    expect(padWidth('42', 5, true)).toBe('   42');
    expect(fitWidth('x', 0)).toBe('');
  });
});

describe('wrapWords', () => {
  it('breaks at spaces, and cuts only a word longer than a line', () => {
    expect(wrapWords('one two three four', 9)).toEqual(['one two', 'three', 'four']);
    expect(wrapWords('', 9)).toEqual(['']);
    expect(wrapWords('abcdefghijkl', 5)).toEqual(['abcdefghijkl']);
    // By display width: wide characters take two columns each.
    expect(wrapWords('漢字 漢字 ab', 9)).toEqual(['漢字 漢字', 'ab']);
    expect(wrapWords('漢字漢字 漢字', 9)).toEqual(['漢字漢字', '漢字']);
  });
});