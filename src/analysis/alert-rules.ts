import { parseBytes, parseDuration } from '../core/units.js';
import type { ProbeMetric, Severity, SpikeMetric } from '../core/spike.js';

/**
 * The alert rule language (README "Alerts"): one condition, then an optional `for DURATION`.
 *
 *   rule      := condition [ "for" DURATION ]
 *   condition := "cpu" CMP PERCENT
 *              | "memory" CMP (PERCENT | SIZE)
 *              | "disk_free" "(" MOUNT ")" CMP (SIZE | PERCENT)
 *              | "process" "(" NAME | /REGEX/flags ")" ( "absent" | CMP COUNT )
 *              | "spike" "(" "cpu" | "memory" | "latency" ")" CMP SEVERITY
 *              | "probe" "(" TARGET ")" ( "down" | "latency" CMP DURATION )
 *   CMP       := "<" | "<=" | ">" | ">=" | "=" | "=="
 *
 * Parsing is pure; a mistake is one line naming its column.
 */

export type Comparison = '<' | '<=' | '>' | '>=' | '==';

/** A threshold in the unit the rule wrote. */
export type Amount = { unit: 'percent'; value: number } | { unit: 'bytes'; value: number };

/** Which processes `process(...)` counts: by name (the comm, or the command's program name), or a pattern. */
export type ProcessMatch = { name: string } | { pattern: string; flags: string };

export type AlertCondition =
  | { kind: 'cpu'; op: Comparison; percent: number }
  | { kind: 'memory'; op: Comparison; threshold: Amount }
  | { kind: 'disk_free'; mount: string; op: Comparison; threshold: Amount }
  | { kind: 'process'; match: ProcessMatch; op: Comparison; count: number; absent: boolean }
  /** `target`: only latency spikes of that probe target (as given to --probe); without it, any target's. */
  | { kind: 'spike'; metric: SpikeMetric | ProbeMetric; target?: string; op: Comparison; severity: Severity }
  | { kind: 'probe'; target: string; down: true }
  | { kind: 'probe'; target: string; down: false; op: Comparison; latencyMs: number };

export interface AlertRule {
  /** The rule as written (trimmed): its name in messages and the key of its state across restarts. */
  text: string;
  condition: AlertCondition;
  /** How long the condition must hold before the rule fires; 0 fires at the first sample. */
  forMs: number;
}

export const SEVERITY_ORDER: readonly Severity[] = ['notice', 'careful', 'warning', 'critical'];

/** A rule that does not parse: `column` is 1-based in the rule's text. */
export class RuleSyntaxError extends Error {
  constructor(
    readonly column: number,
    readonly problem: string,
  ) {
    super(`column ${column}: ${problem}`);
    this.name = 'RuleSyntaxError';
  }
}

const COMPARISONS: readonly string[] = ['<=', '>=', '==', '<', '>', '='];
const METRICS = ['cpu', 'memory', 'disk_free', 'process', 'spike', 'probe'] as const;

/** A cursor over the rule's text. */
class Scanner {
  pos = 0;
  constructor(readonly text: string) {}

  skipSpace(): void {
    while (this.pos < this.text.length && /\s/.test(this.text[this.pos] as string)) this.pos++;
  }

  atEnd(): boolean {
    this.skipSpace();
    return this.pos >= this.text.length;
  }

  fail(problem: string, at = this.pos): never {
    throw new RuleSyntaxError(at + 1, problem);
  }

  /** What stands at the cursor, for "got …": a word, a symbol, or the end. */
  found(): string {
    this.skipSpace();
    if (this.pos >= this.text.length) return 'the end of the rule';
    const word = /^[^\s()]+|^./.exec(this.text.slice(this.pos));
    return `'${word?.[0] ?? ''}'`;
  }

  /** A run of letters, digits, '.', '_', '%' (a name, a number with its unit). */
  word(): string {
    this.skipSpace();
    const m = /^[A-Za-z0-9._%]+/.exec(this.text.slice(this.pos));
    if (!m) return '';
    this.pos += m[0].length;
    return m[0];
  }

  expect(symbol: string, what: string): void {
    this.skipSpace();
    if (!this.text.startsWith(symbol, this.pos)) this.fail(`expected ${what}, got ${this.found()}`);
    this.pos += symbol.length;
  }

  comparison(): Comparison {
    this.skipSpace();
    const op = COMPARISONS.find((c) => this.text.startsWith(c, this.pos));
    if (op === undefined) this.fail(`expected a comparison (<, <=, >, >=, =), got ${this.found()}`);
    this.pos += op.length;
    return op === '=' ? '==' : (op as Comparison);
  }

  /** The text up to the closing ')' (a mount, a process name), trimmed. */
  argument(what: string): string {
    this.expect('(', `'(' and ${what}`);
    const close = this.text.indexOf(')', this.pos);
    if (close === -1) this.fail(`expected ')' after ${what}`, this.text.length);
    const arg = this.text.slice(this.pos, close).trim();
    if (arg === '') this.fail(`expected ${what} inside the parentheses`);
    this.pos = close + 1;
    return arg;
  }
}

/** Parses one rule; throws a RuleSyntaxError naming the column of the mistake. */
export function parseRule(input: string): AlertRule {
  const text = input.trim();
  const s = new Scanner(text);
  if (s.atEnd()) s.fail('empty rule: expected cpu, memory, disk_free(MOUNT), process(NAME), spike(METRIC) or probe(TARGET)');
  const start = s.pos;
  const metric = s.word();
  const condition = conditionOf(s, metric, start);
  let forMs = 0;
  if (!s.atEnd()) {
    const at = s.pos;
    const word = s.word();
    if (word !== 'for') s.fail(`expected 'for DURATION' or the end of the rule, got ${word === '' ? s.found() : `'${word}'`}`, at);
    const durAt = (s.skipSpace(), s.pos);
    const dur = s.word();
    forMs = (dur === '' ? null : parseDuration(dur)) ?? s.fail(`expected a duration such as 30s, 2m or 1h after 'for', got ${dur === '' ? s.found() : `'${dur}'`}`, durAt);
    if (!s.atEnd()) s.fail(`unexpected ${s.found()} after the duration`);
  }
  return { text, condition, forMs };
}

function conditionOf(s: Scanner, metric: string, start: number): AlertCondition {
  switch (metric) {
    case 'cpu':
      return { kind: 'cpu', op: s.comparison(), percent: percentAt(s) };
    case 'memory':
      return { kind: 'memory', op: s.comparison(), threshold: amountAt(s) };
    case 'disk_free': {
      const mount = s.argument('a mount point such as /');
      return { kind: 'disk_free', mount, op: s.comparison(), threshold: amountAt(s) };
    }
    case 'process':
      return processCondition(s);
    case 'spike': {
      const argAt = (s.skipSpace(), s.pos + 1);
      const arg = s.argument("'cpu', 'memory' or 'latency'");
      // `spike(latency, tcp://db:5432)`: the target is everything after the first comma, commas and all.
      const comma = arg.indexOf(',');
      const which = (comma === -1 ? arg : arg.slice(0, comma)).trim();
      const target = comma === -1 ? undefined : arg.slice(comma + 1).trim();
      if (which !== 'cpu' && which !== 'memory' && which !== 'latency') s.fail(`spike() takes cpu, memory or latency, got '${which}'`, argAt);
      if (target !== undefined && which !== 'latency') s.fail(`only spike(latency, TARGET) names a target: ${which} spikes are the whole machine's`, argAt);
      if (target === '') s.fail('expected a probe target after the comma, such as spike(latency, tcp://127.0.0.1:5432)', argAt);
      const op = s.comparison();
      const sevAt = (s.skipSpace(), s.pos);
      const word = s.word();
      const severity = SEVERITY_ORDER.find((v) => v === word);
      if (severity === undefined) s.fail(`expected a severity (${SEVERITY_ORDER.join(', ')}), got ${word === '' ? s.found() : `'${word}'`}`, sevAt);
      return { kind: 'spike', metric: which, ...(target !== undefined ? { target } : {}), op, severity };
    }
    case 'probe':
      return probeCondition(s);
    default:
      return s.fail(`expected one of ${METRICS.join(', ')}, got ${metric === '' ? s.found() : `'${metric}'`}`, start);
  }
}

/** `probe(tcp://db:5432) down`, `probe(https://example.com) latency > 500ms`: the target as given to --probe. */
function probeCondition(s: Scanner): AlertCondition {
  const target = s.argument('a probe target as given to --probe, such as tcp://127.0.0.1:10000');
  const at = (s.skipSpace(), s.pos);
  const word = s.word();
  if (word === 'down') return { kind: 'probe', target, down: true };
  if (word !== 'latency') s.fail(`expected 'down' or 'latency > DURATION', got ${word === '' ? s.found() : `'${word}'`}`, at);
  const op = s.comparison();
  const durAt = (s.skipSpace(), s.pos);
  const dur = s.word();
  const latencyMs = (dur === '' ? null : parseDuration(dur)) ?? s.fail(`expected a round trip such as 500ms or 1s, got ${dur === '' ? s.found() : `'${dur}'`}`, durAt);
  return { kind: 'probe', target, down: false, op, latencyMs };
}

/** `process(NAME) absent`, `process(/RE/i) < 2`. */
function processCondition(s: Scanner): AlertCondition {
  s.expect('(', "'(' and a process name or /pattern/");
  s.skipSpace();
  let match: ProcessMatch;
  if (s.text[s.pos] === '/') match = patternAt(s);
  else {
    const close = s.text.indexOf(')', s.pos);
    if (close === -1) s.fail("expected ')' after the process name", s.text.length);
    const name = s.text.slice(s.pos, close).trim();
    if (name === '') s.fail('expected a process name or /pattern/ inside the parentheses');
    match = { name };
    s.pos = close;
  }
  s.expect(')', "')' after the process");
  const at = (s.skipSpace(), s.pos);
  if (s.text.startsWith('absent', at) && !/[A-Za-z0-9_]/.test(s.text[at + 6] ?? '')) {
    s.pos = at + 6;
    return { kind: 'process', match, op: '==', count: 0, absent: true };
  }
  if (!COMPARISONS.some((c) => s.text.startsWith(c, at))) s.fail(`expected 'absent' or a comparison with a count (e.g. < 2), got ${s.found()}`);
  const op = s.comparison();
  const countAt = (s.skipSpace(), s.pos);
  const word = s.word();
  if (!/^\d+$/.test(word)) s.fail(`expected a whole number of processes, got ${word === '' ? s.found() : `'${word}'`}`, countAt);
  return { kind: 'process', match, op, count: Number(word), absent: false };
}

/** `/php-fpm.*\/i`: up to the next unescaped '/', then flags; the pattern must compile. */
function patternAt(s: Scanner): ProcessMatch {
  const open = s.pos;
  let i = open + 1;
  while (i < s.text.length && s.text[i] !== '/') i += s.text[i] === '\\' ? 2 : 1;
  if (i >= s.text.length) s.fail("the pattern's closing '/' is missing", open);
  const pattern = s.text.slice(open + 1, i);
  const flags = /^[a-z]*/.exec(s.text.slice(i + 1))?.[0] ?? '';
  if (pattern === '') s.fail('the pattern is empty', open);
  if (!/^[imsu]*$/.test(flags)) s.fail(`pattern flags may be i, m, s or u, got '${flags}'`, i + 1);
  try {
    new RegExp(pattern, flags);
  } catch {
    s.fail(`/${pattern}/ is not a valid regular expression`, open);
  }
  s.pos = i + 1 + flags.length;
  return { pattern, flags };
}

function percentAt(s: Scanner): number {
  const at = (s.skipSpace(), s.pos);
  const word = s.word();
  const m = /^(\d+(?:\.\d+)?)%$/.exec(word);
  if (!m || Number(m[1]) > 100) s.fail(`expected a percentage from 0% to 100%, got ${word === '' ? s.found() : `'${word}'`}`, at);
  return Number(m[1]);
}

/** `90%` or a size (`1GiB`, `500M`). */
function amountAt(s: Scanner): Amount {
  s.skipSpace();
  const at = s.pos;
  const word = s.word();
  if (word.endsWith('%')) {
    s.pos = at;
    return { unit: 'percent', value: percentAt(s) };
  }
  const bytes = word === '' ? null : parseBytes(word);
  if (bytes === null) s.fail(`expected a size such as 1GiB or 500M, or a percentage such as 10%, got ${word === '' ? s.found() : `'${word}'`}`, at);
  return { unit: 'bytes', value: bytes };
}

/** The rule's place in a message: "alert rule 'memory >> 90%' column 9: expected …". */
export function ruleErrorLine(rule: string, err: RuleSyntaxError, where = 'alert rule'): string {
  return `${where} '${rule.trim()}' ${err.message}`;
}

/**
 * A rules file: one rule a line, or `notify URL` (a URL is taken as written: the
 * caller checks it); `#` (at the start or after a space) starts a comment, blank
 * lines are skipped; each mistake is one line naming its line and column.
 */
export function parseRuleLines(text: string): { rules: AlertRule[]; notify: { url: string; line: number }[]; errors: string[] } {
  const rules: AlertRule[] = [];
  const notify: { url: string; line: number }[] = [];
  const errors: string[] = [];
  text.split('\n').forEach((raw, i) => {
    // A '#' inside a pattern is the pattern's: a comment starts a line or follows a space.
    const hash = /(?:^|\s)#/.exec(raw);
    const line = hash === null ? raw : raw.slice(0, hash.index);
    if (line.trim() === '') return;
    const url = /^\s*notify\s+(\S+)\s*$/.exec(line);
    if (url) {
      notify.push({ url: url[1] as string, line: i + 1 });
      return;
    }
    try {
      rules.push(parseRuleAt(line, line.length - line.trimStart().length));
    } catch (err) {
      if (!(err instanceof RuleSyntaxError)) throw err;
      errors.push(`line ${i + 1} ${err.message}`);
    }
  });
  return { rules, notify, errors };
}

/** A rule inside a longer line: columns count from the line's start. */
function parseRuleAt(line: string, lead: number): AlertRule {
  try {
    return parseRule(line);
  } catch (err) {
    if (err instanceof RuleSyntaxError) throw new RuleSyntaxError(err.column + lead, err.problem);
    throw err;
  }
}

/** True when `value op threshold`. */
export function compare(value: number, op: Comparison, threshold: number): boolean {
  switch (op) {
    case '<':
      return value < threshold;
    case '<=':
      return value <= threshold;
    case '>':
      return value > threshold;
    case '>=':
      return value >= threshold;
    case '==':
      return value === threshold;
  }
}
