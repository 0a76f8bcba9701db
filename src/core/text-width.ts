/**
 * How many terminal columns text takes, and cutting and padding by columns,
 * so a process named in Chinese, Japanese or Korean, or with an emoji, keeps
 * the columns and borders around it in place. Meant for sanitised text
 * (core/sanitize.ts): control characters are counted as one column.
 *
 * A wide character (East Asian Wide or Fullwidth, emoji shown as emoji) is 2,
 * a combining mark or zero-width character 0, anything else 1; an emoji
 * sequence joined into one picture counts once. Overcounting is the safe side:
 * a line one column short is padded, one column long would push a border.
 */

const ASCII = /^[\x20-\x7e]*$/;
/** What only grapheme clusters measure right: marks, joiners, variation selectors, emoji, flags. Without them a code point is a character. */
const CLUSTERED = /[\p{M}\p{Cf}\p{Extended_Pictographic}\p{Emoji_Modifier}\p{Regional_Indicator}\u{FE00}-\u{FE0F}]/u;
const ZERO_WIDTH = /^[\p{Mn}\p{Me}\p{Cf}]$/u;
const EMOJI = /\p{Emoji_Presentation}|\p{Extended_Pictographic}\u{FE0F}/u;

/** East Asian Wide and Fullwidth ranges (Unicode 15), as [first, last] code points. */
const WIDE: readonly (readonly [number, number])[] = [
  [0x1100, 0x115f], [0x231a, 0x231b], [0x2329, 0x232a], [0x23e9, 0x23ec], [0x23f0, 0x23f0], [0x23f3, 0x23f3],
  [0x25fd, 0x25fe], [0x2614, 0x2615], [0x2648, 0x2653], [0x267f, 0x267f], [0x2693, 0x2693], [0x26a1, 0x26a1],
  [0x26aa, 0x26ab], [0x26bd, 0x26be], [0x26c4, 0x26c5], [0x26ce, 0x26ce], [0x26d4, 0x26d4], [0x26ea, 0x26ea],
  [0x26f2, 0x26f3], [0x26f5, 0x26f5], [0x26fa, 0x26fa], [0x26fd, 0x26fd], [0x2705, 0x2705], [0x270a, 0x270b],
  [0x2728, 0x2728], [0x274c, 0x274c], [0x274e, 0x274e], [0x2753, 0x2755], [0x2757, 0x2757], [0x2795, 0x2797],
  [0x27b0, 0x27b0], [0x27bf, 0x27bf], [0x2b1b, 0x2b1c], [0x2b50, 0x2b50], [0x2b55, 0x2b55], [0x2e80, 0x303e],
  [0x3041, 0x33ff], [0x3400, 0x4dbf], [0x4e00, 0x9fff], [0xa000, 0xa4cf], [0xa960, 0xa97f], [0xac00, 0xd7a3],
  [0xf900, 0xfaff], [0xfe10, 0xfe19], [0xfe30, 0xfe6f], [0xff00, 0xff60], [0xffe0, 0xffe6], [0x16fe0, 0x16fe4],
  [0x17000, 0x18aff], [0x1b000, 0x1b2ff], [0x1f004, 0x1f004], [0x1f0cf, 0x1f0cf], [0x1f18e, 0x1f18e],
  [0x1f191, 0x1f19a], [0x1f200, 0x1f202], [0x1f210, 0x1f23b], [0x1f240, 0x1f248], [0x1f250, 0x1f251],
  [0x1f260, 0x1f265], [0x1f300, 0x1f64f], [0x1f680, 0x1f6ff], [0x1f7e0, 0x1f7eb], [0x1f900, 0x1f9ff],
  [0x1fa70, 0x1faff], [0x20000, 0x2fffd], [0x30000, 0x3fffd],
];

function isWide(cp: number): boolean {
  let lo = 0;
  let hi = WIDE.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const [first, last] = WIDE[mid] as readonly [number, number];
    if (cp < first) hi = mid - 1;
    else if (cp > last) lo = mid + 1;
    else return true;
  }
  return false;
}

let segmenter: Intl.Segmenter | undefined;

/** One user-perceived character (a grapheme cluster) at a time. */
function graphemes(text: string): Iterable<{ segment: string }> {
  segmenter ??= new Intl.Segmenter(undefined, { granularity: 'grapheme' });
  return segmenter.segment(text);
}

/** Columns one grapheme cluster takes. */
function clusterWidth(cluster: string): number {
  const cp = cluster.codePointAt(0) ?? 0;
  // Latin, Greek, Cyrillic…, box drawing and blocks: one column, and most of what a table holds.
  if (cluster.length === 1 && ((cp >= 0x20 && cp < 0x300) || (cp >= 0x370 && cp < 0x483) || (cp >= 0x2500 && cp < 0x25fd))) return 1;
  if (isWide(cp) || EMOJI.test(cluster)) return 2;
  return ZERO_WIDTH.test(String.fromCodePoint(cp)) ? 0 : 1;
}

/** The text's characters: code points where that is the same (box drawing, CJK), else grapheme clusters (slower). */
function characters(text: string): Iterable<string> {
  if (!CLUSTERED.test(text)) return text;
  return Array.from(graphemes(text), (g) => g.segment);
}

/** Terminal columns `text` takes. */
export function displayWidth(text: string): number {
  if (ASCII.test(text)) return text.length;
  let w = 0;
  for (const ch of characters(text)) w += clusterWidth(ch);
  return w;
}

/** Cut to at most `width` columns, the cut marked with `…`; never splits a character. */
export function fitWidth(text: string, width: number): string {
  if (width <= 0) return '';
  if (ASCII.test(text)) return text.length <= width ? text : `${text.slice(0, width - 1)}…`;
  if (displayWidth(text) <= width) return text;
  let out = '';
  let w = 0;
  for (const ch of characters(text)) {
    const cw = clusterWidth(ch);
    if (w + cw > width - 1) break;
    out += ch;
    w += cw;
  }
  return `${out}…`;
}

/** Cut to `width` columns and padded with spaces to exactly that many, on the right (or the left: `alignRight`). */
export function padWidth(text: string, width: number, alignRight = false): string {
  const cut = fitWidth(text, width);
  const pad = ' '.repeat(Math.max(0, width - displayWidth(cut)));
  return alignRight ? pad + cut : cut + pad;
}

/** Words onto lines of at most `width` columns (display width); a word longer than a line stays whole, for the caller to cut. */
export function wrapWords(text: string, width: number): string[] {
  if (width <= 0) return [];
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(/\s+/).filter(Boolean)) {
    if (line === '') line = word;
    else if (displayWidth(line) + 1 + displayWidth(word) <= width) line += ` ${word}`;
    else {
      lines.push(line);
      line = word;
    }
  }
  if (line !== '' || lines.length === 0) lines.push(line);
  return lines;
}
