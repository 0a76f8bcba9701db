import { describe, expect, it } from 'vitest';
import { KEY_HELP } from '../src/ui/keys.js';
import { helpLines } from '../src/ui/widgets/overlays.js';

describe('helpLines', () => {
  it('wraps what a key does under itself instead of cutting it', () => {
    expect(helpLines([['space', 'pause the view (sampling goes on) / back to live; in replay: play / stop']], 50)).toEqual([
      'space          pause the view (sampling goes on) /',
      '               back to live; in replay: play /',
      '               stop',
    ]);
  });

  it('wraps by display width: wide characters take two columns', () => {
    expect(helpLines([['x', '漢字 漢字 漢字']], 24)).toEqual(['x              漢字 漢字', '               漢字']);
  });

  it('cuts nothing of the real help at 80 columns', () => {
    const lines = helpLines(KEY_HELP, 74);
    expect(lines.every((l) => l.length <= 74)).toBe(true);
    expect(lines.some((l) => l.includes('…'))).toBe(false);
    // Every word of every entry is there.
    const text = lines.join(' ');
    for (const [, what] of KEY_HELP) for (const word of what.split(' ')) expect(text).toContain(word);
  });
});
