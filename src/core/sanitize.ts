/**
 * Text that came from outside tmon — process names and command lines, user and
 * host names, recording files, a peer's messages — made safe to show. Any local
 * user can name a process `\x1b]0;PWN\x07\x1b[2J` (retitles and clears the
 * terminal of whoever reads it), put a newline and a forged table row in its
 * argv, or a right-to-left override that shows `exe.txt` as `txt.exe`.
 *
 * Each character that could act on a terminal or change how the text around it
 * reads becomes one `?`, as `ps` shows it:
 * - control characters: C0 (NUL…US, so ESC, BEL, TAB, CR, LF), DEL and C1 (0x80–0x9f);
 * - format characters (Unicode Cf): bidi embeddings, overrides, isolates and marks
 *   (U+202A–202E, U+2066–2069, U+200E/200F, U+061C), zero-width characters, BOM, tags;
 * - the line and paragraph separators U+2028/2029;
 * - lone surrogates (no character at all; a terminal would show garbage).
 * Two joiners stay because emoji need them and they hide nothing: a zero-width
 * joiner between two pictographs (👨‍👩‍👧) and the tag letters of a flag (🏴󠁧󠁢󠁳󠁣󠁴󠁿).
 * Everything else (CJK, emoji, accents) is left as it is, so its width on screen
 * does not change. Recordings keep the raw names: this applies only on the way out.
 */

/** What an unsafe character is shown as. */
export const REPLACEMENT = '?';

const UNSAFE_CLASS = String.raw`\p{Cc}\p{Cf}\p{Zl}\p{Zp}\p{Cs}`;
const HAS_UNSAFE = new RegExp(`[${UNSAFE_CLASS}]`, 'u');
/** Group 1 is what to keep (emoji joiners); any other match is replaced. */
const UNSAFE = new RegExp(
  String.raw`(\p{Extended_Pictographic}(?:\u{FE0F}|\p{Emoji_Modifier})?\u200D(?=\p{Extended_Pictographic})|\u{1F3F4}[\u{E0020}-\u{E007E}]+\u{E007F})|[${UNSAFE_CLASS}]`,
  'gu',
);
const UNSAFE_ANYWHERE = new RegExp(`[${UNSAFE_CLASS}]`, 'gu');

/**
 * `text` with every unsafe character shown as `?`; with `maxLength`, also cut
 * to at most that many UTF-16 units (the cut marked with `…`, never inside a
 * surrogate pair). Work is bounded by `maxLength` when it is given.
 */
export function sanitize(text: string, maxLength = Infinity): string {
  let s = text;
  if (s.length > maxLength) {
    let end = Math.max(0, maxLength - 1);
    const last = s.charCodeAt(end - 1);
    if (last >= 0xd800 && last <= 0xdbff) end--;
    s = `${s.slice(0, end)}…`;
  }
  return HAS_UNSAFE.test(s) ? s.replace(UNSAFE, (_m, keep: string | undefined) => keep ?? REPLACEMENT) : s;
}

/**
 * A CSV text cell: sanitised, and one a spreadsheet would read as a formula
 * (first character `=`, `+`, `-`, `@`, TAB or CR) prefixed with `'` (OWASP's
 * advice), so `=cmd|' /C calc'!A1` stays text. Only for text: numbers tmon
 * writes itself (a negative one included) go out as they are.
 */
export function csvText(text: string): string {
  const clean = sanitize(text);
  return /^[=+\-@\t\r]/.test(text) ? `'${clean}` : clean;
}

/**
 * JSON meant to be printed: JSON.stringify escapes C0 controls but leaves DEL,
 * C1, bidi and other format characters raw, which act on a terminal showing
 * the line. Those become `\uXXXX` escapes, so the JSON still parses to the
 * exact text while no such character reaches the terminal. Outside strings
 * JSON.stringify writes only ASCII, so only string contents change.
 */
export function terminalJson(json: string): string {
  return json.replace(UNSAFE_ANYWHERE, (ch) => {
    let out = '';
    for (let i = 0; i < ch.length; i++) out += `\\u${ch.charCodeAt(i).toString(16).padStart(4, '0')}`;
    return out;
  });
}
