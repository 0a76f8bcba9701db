import { programName, type ProcessStats, type Sample } from '../core/sample.js';
import type { ProbeResult } from '../core/probe.js';
import type { Spike } from '../core/spike.js';
import { culpritText } from '../core/spike-text.js';
import { formatBytes, formatDuration, formatPercent, pad2 } from '../core/units.js';
import { SEVERITY_ORDER, compare, type AlertCondition, type AlertRule, type ProcessMatch } from './alert-rules.js';

/** What the recipients are told: a rule started firing, still fires (a reminder), or resolved. */
export type NoticeKind = 'firing' | 'repeat' | 'resolved';

export interface TopProcess {
  pid: number;
  name: string;
  user: string;
  /** Percent of one core. */
  cpu: number;
  /** Bytes. */
  rss: number;
}

/** One notification's content, plain data (it waits in the outbox file). */
export interface AlertNotice {
  kind: NoticeKind;
  rule: string;
  host: string;
  /** The value that made the decision, in words: "memory 91.2% (7.3G of 8.0G)". */
  value: string;
  /** When the condition began to hold (ms since epoch). */
  since: number;
  /** The sample that decided it. */
  at: number;
  /** The processes using most of what the rule watches, at that sample. */
  top: TopProcess[];
  /** A spike rule's culprits, in the spike log's words. */
  culprits?: string[];
}

/** Minutes of the local day [start, end): "22:00-07:00" wraps midnight. */
export interface QuietHours {
  startMinute: number;
  endMinute: number;
}

/** What survives a restart for a rule the recipients were told is firing. */
export interface ToldFiring {
  rule: string;
  since: number;
  lastSent: number;
}

export interface AlertEvaluatorOptions {
  /** Remind while firing this often; default 4 h. */
  repeatMs?: number;
  quiet?: QuietHours;
  /** Rules the recipients last heard were firing (from before a restart): not told again. */
  told?: readonly ToldFiring[];
  /** How long a rule's reading may be gone (its mount unmounted, its probe not answering yet) before it counts as not holding; default 5 min. */
  noReadingMs?: number;
}

/** What one sample changed: what to tell, and the rules that started firing or resolved (told or not: quiet hours hold only the telling). */
export interface AlertStep {
  notices: AlertNotice[];
  transitions: AlertNotice[];
}

export const DEFAULT_REPEAT_MS = 4 * 3_600_000;
export const DEFAULT_NO_READING_MS = 5 * 60_000;
const TOP_PROCESSES = 5;

type Phase = 'ok' | 'pending' | 'firing';

interface RuleState {
  readonly rule: AlertRule;
  phase: Phase;
  /** When the condition began to hold. */
  since: number;
  /** Whether the recipients were told it fires, and when they were last told. */
  told: boolean;
  lastSent: number;
  value: string;
  /** Since when the samples have had no reading for it (undefined while they have). */
  missingSince: number | undefined;
}

/** A reading of a rule's condition at one sample; null when the sample cannot say (no such mount). */
interface Reading {
  active: boolean;
  value: string;
}

/**
 * Every rule's OK → pending → firing → resolved, sample by sample, with the
 * sample's time (pure: no clock of its own). The notices are what the
 * recipients must hear so they know what the rules know: firing once the
 * condition held for the rule's `for`, a reminder every `repeatMs` while it
 * fires, resolved when it stops. In quiet hours nothing is told; after them
 * whatever changed is (a rule that fired and resolved inside them never is).
 */
export class AlertEvaluator {
  private readonly states: RuleState[];
  private readonly openSpikes = new Map<string, Spike>();
  private readonly repeatMs: number;

  constructor(
    rules: readonly AlertRule[],
    private readonly opts: AlertEvaluatorOptions = {},
  ) {
    this.repeatMs = opts.repeatMs ?? DEFAULT_REPEAT_MS;
    this.states = rules.map((rule) => {
      const told = opts.told?.find((t) => t.rule === rule.text);
      // A rule that was firing resumes firing: its first sample either keeps it (nothing re-sent) or resolves it.
      return told
        ? { rule, phase: 'firing', since: told.since, told: true, lastSent: told.lastSent, value: '', missingSince: undefined }
        : { rule, phase: 'ok', since: 0, told: false, lastSent: 0, value: '', missingSince: undefined };
    });
  }

  /** Takes one sample and the spikes it changed; returns what to tell. */
  push(sample: Sample, changed: readonly Spike[] = []): AlertNotice[] {
    return this.step(sample, changed).notices;
  }

  /** Takes one sample and the spikes it changed; returns what to tell and what started firing or resolved. */
  step(sample: Sample, changed: readonly Spike[] = []): AlertStep {
    for (const s of changed) {
      if (s.end === null) this.openSpikes.set(s.id, s);
      else this.openSpikes.delete(s.id);
    }
    const t = sample.time;
    const quiet = this.opts.quiet !== undefined && inQuietHours(t, this.opts.quiet);
    const notices: AlertNotice[] = [];
    const transitions: AlertNotice[] = [];
    for (const st of this.states) {
      const reading = this.reading(st, sample);
      if (reading === null) continue;
      st.value = reading.value;
      const wasFiring = st.phase === 'firing';
      advance(st, reading.active, t);
      if (wasFiring !== (st.phase === 'firing')) transitions.push(this.notice(wasFiring ? 'resolved' : 'firing', st, sample));
      if (quiet) continue;
      const kind = noticeDue(st, t, this.repeatMs);
      if (kind === null) continue;
      if (kind === 'resolved') st.told = false;
      else {
        st.told = true;
        st.lastSent = t;
      }
      notices.push(this.notice(kind, st, sample));
    }
    return { notices, transitions };
  }

  /**
   * The rule's reading at this sample. A sample without one (no such mount, no answer
   * from that probe yet) leaves the rule as it is, for a while: a reading gone longer
   * than `noReadingMs` counts as the condition not holding, so a rule firing on a
   * mount that was since unmounted (or restored as firing after a restart without
   * it) resolves, its value saying the reading is gone, rather than firing forever.
   */
  private reading(st: RuleState, sample: Sample): Reading | null {
    const reading = readCondition(st.rule.condition, sample, this.openSpikes);
    if (reading !== null) {
      st.missingSince = undefined;
      return reading;
    }
    if (st.phase === 'ok') return null;
    st.missingSince ??= sample.time;
    const gone = sample.time - st.missingSince;
    if (gone < (this.opts.noReadingMs ?? DEFAULT_NO_READING_MS)) return null;
    return { active: false, value: missingText(st.rule.condition, gone) };
  }

  /** The rules firing now, for a status bar. */
  firing(): { rule: string; since: number; value: string }[] {
    return this.states.filter((s) => s.phase === 'firing').map((s) => ({ rule: s.rule.text, since: s.since, value: s.value }));
  }

  /** What to keep across a restart: the rules the recipients were told are firing. */
  toldFiring(): ToldFiring[] {
    return this.states.filter((s) => s.told).map((s) => ({ rule: s.rule.text, since: s.since, lastSent: s.lastSent }));
  }

  private notice(kind: NoticeKind, st: RuleState, sample: Sample): AlertNotice {
    const cond = st.rule.condition;
    const spike = cond.kind === 'spike' ? [...this.openSpikes.values()].find((s) => spikeMatches(cond, s)) : undefined;
    return {
      kind,
      rule: st.rule.text,
      host: sample.host.hostname,
      value: st.value,
      since: st.since,
      at: sample.time,
      top: topProcesses(cond, sample),
      ...(spike ? { culprits: spike.culprits.map((c) => culpritText(c, spike.metric)) } : {}),
    };
  }
}

function advance(st: RuleState, active: boolean, t: number): void {
  if (!active) {
    st.phase = 'ok';
    return;
  }
  if (st.phase === 'ok') {
    st.phase = 'pending';
    st.since = t;
  }
  if (st.phase === 'pending' && t - st.since >= st.rule.forMs) st.phase = 'firing';
}

function noticeDue(st: RuleState, t: number, repeatMs: number): NoticeKind | null {
  if (st.phase === 'firing') {
    if (!st.told) return 'firing';
    return t - st.lastSent >= repeatMs ? 'repeat' : null;
  }
  // Pending after a restart that told "firing": wait for the condition to decide.
  return st.phase === 'ok' && st.told ? 'resolved' : null;
}

/** Whether `t` falls in the quiet hours, local time. */
export function inQuietHours(t: number, q: QuietHours): boolean {
  const d = new Date(t);
  const minute = d.getHours() * 60 + d.getMinutes();
  return q.startMinute <= q.endMinute ? minute >= q.startMinute && minute < q.endMinute : minute >= q.startMinute || minute < q.endMinute;
}

/** "22:00-07:00" → quiet hours; null when it does not read so. */
export function parseQuietHours(text: string): QuietHours | null {
  const m = /^\s*(\d{1,2}):(\d{2})\s*-\s*(\d{1,2}):(\d{2})\s*$/.exec(text);
  if (!m) return null;
  const [h1, m1, h2, m2] = [m[1], m[2], m[3], m[4]].map(Number) as [number, number, number, number];
  if (h1 > 23 || h2 > 23 || m1 > 59 || m2 > 59 || (h1 === h2 && m1 === m2)) return null;
  return { startMinute: h1 * 60 + m1, endMinute: h2 * 60 + m2 };
}

export function quietHoursText(q: QuietHours): string {
  const hm = (m: number): string => `${pad2(Math.floor(m / 60))}:${pad2(m % 60)}`;
  return `${hm(q.startMinute)}-${hm(q.endMinute)}`;
}

function readCondition(cond: AlertCondition, sample: Sample, openSpikes: ReadonlyMap<string, Spike>): Reading | null {
  switch (cond.kind) {
    case 'cpu': {
      const busy = sample.cpu.total.busy;
      return { active: compare(busy, cond.op, cond.percent), value: `cpu ${formatPercent(busy)}` };
    }
    case 'memory': {
      const { used, total } = sample.memory;
      const pct = total > 0 ? (used / total) * 100 : 0;
      const level = cond.threshold.unit === 'percent' ? pct : used;
      return { active: compare(level, cond.op, cond.threshold.value), value: `memory ${formatPercent(pct)} (${formatBytes(used)} of ${formatBytes(total)})` };
    }
    case 'disk_free': {
      const fs = sample.filesystems.find((f) => f.mount === cond.mount);
      if (!fs) return null;
      // What df calls available (root's reserve left out) where the sample has it.
      const free = fs.availBytes ?? Math.max(0, fs.sizeBytes - fs.usedBytes);
      const pct = fs.sizeBytes > 0 ? (free / fs.sizeBytes) * 100 : 0;
      const level = cond.threshold.unit === 'percent' ? pct : free;
      return { active: compare(level, cond.op, cond.threshold.value), value: `${cond.mount} free ${formatBytes(free)} (${formatPercent(pct)})` };
    }
    case 'process': {
      const count = countProcesses(cond.match, sample);
      return { active: compare(count, cond.op, cond.count), value: `${count} process${count === 1 ? '' : 'es'} matching ${matchText(cond.match)}` };
    }
    case 'probe': {
      const result = sample.probes?.find((p) => p.target === cond.target);
      if (!result) return null;
      if (cond.down) return { active: !result.up, value: probeText(result) };
      return { active: result.ms !== undefined && compare(result.ms, cond.op, cond.latencyMs), value: probeText(result) };
    }
    case 'spike': {
      const level = (s: Spike): number => SEVERITY_ORDER.indexOf(s.severity);
      const wanted = SEVERITY_ORDER.indexOf(cond.severity);
      const open = [...openSpikes.values()].filter((s) => spikeMatches(cond, s));
      const worst = open.sort((a, b) => level(b) - level(a))[0];
      return {
        active: worst !== undefined && compare(level(worst), cond.op, wanted),
        value: worst ? `${cond.metric} spike${worst.target !== undefined ? ` of ${worst.target}` : ''}, ${worst.severity}` : `no ${cond.metric} spike`,
      };
    }
  }
}

/** Whether a spike rule watches `spike`: its metric, and its probe target when the rule names one. */
function spikeMatches(cond: Extract<AlertCondition, { kind: 'spike' }>, spike: Spike): boolean {
  return spike.metric === cond.metric && (cond.target === undefined || spike.target === cond.target);
}

/** A rule's value once its reading is gone: "/mnt/backup: not mounted for 5m00s". */
function missingText(cond: AlertCondition, goneMs: number): string {
  const why = cond.kind === 'disk_free' ? `${cond.mount}: not mounted` : cond.kind === 'probe' ? `${cond.target}: no probe result` : 'no reading';
  return `${why} for ${formatDuration(goneMs)}`;
}

function probeText(p: ProbeResult): string {
  if (p.up) return `${p.target} up, ${p.ms === undefined ? '?' : `${Math.round(p.ms * 10) / 10} ms`}`;
  return `${p.target} down${p.status !== undefined ? `, HTTP ${p.status}` : ''}${p.error !== undefined ? ` (${p.error})` : ''}`;
}

function matchText(m: ProcessMatch): string {
  return 'name' in m ? m.name : `/${m.pattern}/${m.flags}`;
}

/** Each rule's matcher, made once: a pattern is compiled at its first sample, not at every one. */
const matchers = new WeakMap<ProcessMatch, (p: ProcessStats) => boolean>();

/** A process matches by its comm or program name, or a pattern found in its comm or command line. */
export function processMatcher(m: ProcessMatch): (p: ProcessStats) => boolean {
  const known = matchers.get(m);
  if (known) return known;
  let matches: (p: ProcessStats) => boolean;
  if ('name' in m) matches = (p) => p.name === m.name || (p.cmd !== '' && programName(p.cmd) === m.name);
  else {
    const re = new RegExp(m.pattern, m.flags.replace('g', ''));
    matches = (p) => re.test(p.name) || re.test(p.cmd);
  }
  matchers.set(m, matches);
  return matches;
}

/**
 * The processes alive at the tick that match. The monitor itself never counts:
 * its own command line holds the rule (`--alert 'process(/php-fpm/) absent'`).
 */
export function countProcesses(m: ProcessMatch, sample: Sample): number {
  const matches = processMatcher(m);
  const self = sample.host.monitorPid;
  let n = 0;
  for (const p of sample.processes) if (p.exited !== true && p.pid !== self && matches(p)) n++;
  return n;
}

/** The processes most worth naming for a rule: a process rule's matches first, then by RSS for memory and by CPU otherwise. */
export function topProcesses(cond: AlertCondition, sample: Sample): TopProcess[] {
  const byRss = cond.kind === 'memory' || (cond.kind === 'spike' && cond.metric === 'memory');
  const matches = cond.kind === 'process' ? processMatcher(cond.match) : () => false;
  const key = (p: ProcessStats): number => (byRss ? p.rss : p.cpu + (p.childCpu ?? 0));
  return sample.processes
    .filter((p) => p.exited !== true && !p.kernelThread && p.pid !== sample.host.monitorPid)
    .sort((a, b) => Number(matches(b)) - Number(matches(a)) || key(b) - key(a))
    .slice(0, TOP_PROCESSES)
    .map((p) => ({ pid: p.pid, name: p.name, user: p.user, cpu: p.cpu + (p.childCpu ?? 0), rss: p.rss }));
}
