/**
 * Which terminal description to give blessed, and whether to draw Unicode.
 *
 * blessed parses the system terminfo itself and cannot read the format newer
 * ncurses writes (Debian 12): it then falls back to a bundled description, and
 * for names it has no copy of (screen-256color, tmux-256color, …) it also prints a
 * compile error over the screen. So we only ever pass names blessed bundles —
 * xterm, xterm-256color, linux — choosing the nearest. Every terminal emulator
 * in use speaks xterm's sequences; tmon needs nothing beyond them.
 */
export interface TerminalProfile {
  /** The terminfo name to hand to blessed. */
  terminal: string;
  /** Braille graphs, sparkline blocks and line borders, rather than ASCII fallbacks. */
  unicode: boolean;
}

type Env = Readonly<Record<string, string | undefined>>;

export function terminalProfile(env: Env): TerminalProfile {
  return { terminal: terminalName(env), unicode: localeIsUnicode(env) };
}

function terminalName(env: Env): string {
  const term = (env['TERM'] ?? '').toLowerCase();
  if (term === 'linux') return 'linux';
  const colorterm = (env['COLORTERM'] ?? '').toLowerCase();
  if (term === 'xterm' && colorterm === '') return 'xterm';
  // Unset, dumb, 256-colour and unknown names alike: xterm-256color is what
  // terminals (and tmux/screen) emulate today, and blessed bundles it.
  return 'xterm-256color';
}

/**
 * The locale's charset decides (LC_ALL over LC_CTYPE over LANG, as in libc). No
 * locale at all, or the bare C/POSIX locale, is the usual state of a container or
 * a service shell whose terminal is UTF-8 anyway; a locale naming another charset
 * (en_US.ISO-8859-1, or en_US whose default charset is Latin-1) is taken at its word.
 */
function localeIsUnicode(env: Env): boolean {
  const locale = env['LC_ALL'] || env['LC_CTYPE'] || env['LANG'] || '';
  if (locale === '' || locale === 'C' || locale === 'POSIX') return true;
  return /utf-?8/i.test(locale);
}
