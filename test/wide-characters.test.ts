import { afterEach, describe, expect, it } from 'vitest';
import type { Sample } from '../src/core/sample.js';
import { HeadlessTerminal } from './helpers/headless-terminal.js';
import { HeadlessDashboard } from './helpers/headless-dashboard.js';
import { makeProcess, makeSample } from './helpers/make-sample.js';

/**
 * Chinese, Japanese and Korean names (two columns per character), emoji and
 * combining accents drawn by the real blessed screen into a terminal emulator:
 * the characters themselves, not `??`, and every border after them in its own column.
 */
const ui = new HeadlessDashboard();
afterEach(() => ui.close());

const WIDE = '数据库服务';
const MOUNT = '/データ';

/** The display columns of the emulator's row y where `ch` is drawn (a wide character takes two cells, the second empty). */
function columnsOf(t: HeadlessTerminal, y: number, ch: string): number[] {
  const line = t.term.buffer.active.getLine(t.term.buffer.active.viewportY + y);
  const out: number[] = [];
  for (let x = 0; x < t.term.cols; x++) if (line?.getCell(x)?.getChars() === ch) out.push(x);
  return out;
}

describe('wide characters on screen', () => {
  it('a CJK process name and mount name are drawn as such, the borders after them where every other row has them', async () => {
    // Two-column CJK characters, an emoji, a joined emoji family, and a combining accent (no column of its own).
    const names = [WIDE, 'plain', '한국어', 'fire🔥x', 'fam👨‍👩‍👧y', 'cafe\u0301x'];
    const processes = names.map((name, i) => makeProcess({ pid: 10 + i, name, cpu: 90 - i * 10 }));
    const filesystems = [
      { mount: MOUNT, device: 'sdb1', fsType: 'ext4', sizeBytes: 2 ** 30, usedBytes: 2 ** 29 },
      { mount: '/plain', device: 'sda1', fsType: 'ext4', sizeBytes: 2 ** 30, usedBytes: 2 ** 28 },
    ];
    const samples: Sample[] = [0, 1, 2].map((i) => ({ ...makeSample({ time: Date.UTC(2026, 10, 22, 3, 0, i), processes }), filesystems }));
    const text = await ui.live(200, 50, samples, { color: false }, new RegExp(`${WIDE}[^]*${MOUNT}|${MOUNT}[^]*${WIDE}`));
    const term = ui.term as HeadlessTerminal;
    expect(text).not.toContain('??');
    const rows = text.split('\n');
    const rowOf = (needle: string): number => rows.findIndex((r) => r.includes(needle));
    for (const [wide, plain] of [
      [WIDE, 'plain'],
      ['한국어', 'plain'],
      ['fire', 'plain'],
      ['fam', 'plain'],
      ['cafe', 'plain'],
      [MOUNT, '/plain'],
    ] as const) {
      const y = rowOf(wide);
      const yPlain = rowOf(plain);
      expect(y).toBeGreaterThan(0);
      // The same borders, in the same columns, on the wide row as on the plain one.
      const borders = columnsOf(term, yPlain, '│');
      expect(borders.length).toBeGreaterThan(1);
      expect(columnsOf(term, y, '│')).toEqual(borders);
    }
  });
});
