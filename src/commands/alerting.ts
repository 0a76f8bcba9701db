import { mkdirSync } from 'node:fs';
import { hostname, homedir } from 'node:os';
import { basename, dirname, join, resolve } from 'node:path';
import { RuleSyntaxError, parseRule, parseRuleLines, ruleErrorLine, type AlertRule } from '../analysis/alert-rules.js';
import { AlertEvaluator, DEFAULT_NO_READING_MS, parseQuietHours, quietHoursText, type AlertNotice, type QuietHours } from '../analysis/alert-state.js';
import { AlertBoard, firingStatus } from '../analysis/alert-board.js';
import { messageEnv, messageJson, messageSubject, messageText, type AlertMessage } from '../analysis/alert-message.js';
import { UsageError, UserError, errorMessage } from '../core/errors.js';
import { sanitize } from '../core/sanitize.js';
import type { ProbeSpec } from '../core/probe.js';
import type { AlertEvent } from '../core/alert-event.js';
import type { SessionHub } from '../session/session-hub.js';
import type { AlertsReport } from '../protocol/alerts-report.js';
import { AlertOutbox } from '../transport/alert-outbox.js';
import type { AlertFeed } from '../transport/agent-server.js';
import { maskUrl, parseNotifyUrl, sendTo, targetKey, type NotifyTarget, type OutgoingMessage } from '../transport/alert-targets.js';
import { sha256Hex } from '../transport/short-hash.js';
import { readSmallFile } from './small-file.js';

/** The alert flags as the command's table types them (commands/command-flags.ts ALERT_FLAGS). */
export interface AlertValues {
  alert: string[];
  alerts: string | undefined;
  notify: string[];
  'alert-repeat': number;
  'quiet-hours': string | undefined;
  'alert-state': string | undefined;
}

/** Rules files are a few lines; this bounds a wrong path (a log file) to an error, not a read of gigabytes. */
const MAX_RULES_FILE = 256 * 1024;

/** --alert and --alerts FILE → rules and the file's `notify URL` lines; the first mistake is one line naming the rule (or the file's line) and column. */
export function alertRules(values: Pick<AlertValues, 'alert' | 'alerts'>): { rules: AlertRule[]; notify: string[] } {
  const rules = values.alert.map((text) => {
    try {
      return parseRule(text);
    } catch (err) {
      if (err instanceof RuleSyntaxError) throw new UsageError(ruleErrorLine(text, err, '--alert'));
      throw err;
    }
  });
  const file = values.alerts;
  if (file === undefined) return { rules, notify: [] };
  const { rules: fromFile, notify, errors } = parseRuleLines(readSmallFile(file, `--alerts ${file}`, MAX_RULES_FILE).toString('utf8'));
  if (errors.length > 0) throw new UserError(`--alerts ${file} ${errors[0]}${errors.length > 1 ? ` (and ${errors.length - 1} more)` : ''}`);
  if (fromFile.length === 0) throw new UserError(`--alerts ${file} holds no rule`);
  for (const n of notify) {
    try {
      parseNotifyUrl(n.url, hostname());
    } catch (err) {
      // The target's own words (the URL masked), placed in the file.
      throw new UserError(`--alerts ${file} line ${n.line}: ${errorMessage(err).replace(/^--notify /, 'notify ')}`);
    }
  }
  return { rules: [...rules, ...fromFile], notify: notify.map((n) => n.url) };
}

/** The --notify URLs, each checked, none twice. */
export function notifyTargets(urls: readonly string[]): NotifyTarget[] {
  return [...new Set(urls)].map((u) => parseNotifyUrl(u, hostname()));
}

export function quietHoursOption(text: string | undefined): QuietHours | undefined {
  if (text === undefined) return undefined;
  const q = parseQuietHours(text);
  if (q === null) throw new UsageError(`--quiet-hours must be HH:MM-HH:MM in local time, e.g. 22:00-07:00, got '${text}'`);
  return q;
}

/** A file name's part from free text: letters, digits, '.' and '-' kept, the rest '_'. */
function namePart(text: string): string {
  return text.replace(/[^A-Za-z0-9.-]/g, '_').slice(0, 64);
}

/**
 * The agent's default state file name (without --store): one per listen address, so two
 * agents on one machine (other ports) never share their told alerts and queues.
 */
export function agentStateName(listen: { host: string; port: number }): string {
  return `agent-${namePart(listen.host)}-${listen.port}-alert-state.json`;
}

/** `tmon record FILE`'s default state file name: one per recording file (its name, and a hash of its full path). */
export function recordStateName(file: string): string {
  const hash = sha256Hex(resolve(file)).slice(0, 8);
  return `record-${namePart(basename(file))}-${hash}-alert-state.json`;
}

/**
 * Where the outbox lives: --alert-state, else beside the agent's store, else the user's state
 * directory under `name` (each agent, recorder and dashboard apart: several may run on one machine).
 */
export function stateFile(values: AlertValues, storeDir: string | undefined, name: string): string | undefined {
  if (values['alert-state'] !== undefined) return values['alert-state'];
  if (storeDir !== undefined) return join(storeDir, 'alert-state.json');
  const base = process.env['XDG_STATE_HOME'] ?? (process.env['HOME'] !== undefined ? join(homedir(), '.local', 'state') : undefined);
  return base !== undefined ? join(base, 'tmon', name) : undefined;
}

export function outgoing(m: AlertMessage): OutgoingMessage {
  return { subject: messageSubject(m), text: messageText(m), json: messageJson(m), env: messageEnv(m) };
}

/** Each target keyed for the outbox, labelled by its masked URL. */
function targetMap(targets: readonly NotifyTarget[]): Map<string, { label: string; send: (m: OutgoingMessage) => Promise<void> }> {
  return new Map(targets.map((t) => [targetKey(t), { label: maskUrl(t.url), send: (m: OutgoingMessage) => sendTo(t, m) }]));
}

function noticeLine(n: AlertNotice): string {
  const word = n.kind === 'resolved' ? 'resolved' : n.kind === 'repeat' ? 'still firing' : 'firing';
  return `alert ${word}: ${n.rule} (${n.value})`;
}

/** What the alert flags ask for, checked before anything starts. */
export interface AlertSetup {
  rules: AlertRule[];
  targets: NotifyTarget[];
  repeatMs: number;
  quiet: QuietHours | undefined;
  /** Where the outbox and the told states live; undefined: nowhere (nothing survives a restart). */
  file: string | undefined;
  /** How long a rule's reading may be gone before it counts as not holding: the default, or longer than any probe takes to answer. */
  noReadingMs: number;
}

/** The flags → rules, targets and the state file; undefined when no rule is given. Throws one line for a mistake. */
export function alertSetup(values: AlertValues & { probe: readonly ProbeSpec[] }, storeDir: string | undefined, defaultName: string): AlertSetup | undefined {
  const { rules, notify } = alertRules(values);
  // A probe rule watches a target this process probes: one it does not would never fire.
  const probed = new Set(values.probe.map((p) => p.target));
  for (const r of rules) {
    const target = r.condition.kind === 'probe' || r.condition.kind === 'spike' ? r.condition.target : undefined;
    if (target !== undefined && !probed.has(target)) {
      throw new UsageError(`alert '${sanitize(r.text, 200)}' watches ${sanitize(target, 200)}, which no --probe names: add --probe ${sanitize(target, 200)}`);
    }
  }
  const targets = notifyTargets([...values.notify, ...notify]);
  if (rules.length === 0) {
    if (targets.length > 0) throw new UsageError('--notify needs rules: give --alert RULE or --alerts FILE');
    return undefined;
  }
  const quiet = quietHoursOption(values['quiet-hours']);
  const file = stateFile(values, storeDir, defaultName);
  if (file !== undefined) {
    try {
      mkdirSync(dirname(file), { recursive: true });
    } catch (err) {
      throw new UserError(`cannot keep the alert state in ${file}: ${errorMessage(err)}; choose another with --alert-state FILE`);
    }
  }
  const slowestProbe = Math.max(0, ...values.probe.map((p) => 2 * p.timeoutMs));
  return { rules, targets, repeatMs: values['alert-repeat'], quiet, file, noReadingMs: Math.max(DEFAULT_NO_READING_MS, slowestProbe) };
}

export interface Alerting {
  /** The rules firing now. */
  firing(): ReturnType<AlertEvaluator['firing']>;
  /** Messages that failed at least once and wait for another try. */
  failing(): number;
  /** What GET /alerts serves. */
  report(): AlertsReport;
  /** Time of the newest sample the rules were evaluated on; null before the first. */
  evaluatedAt(): number | null;
  /** Calls `listener` with the sample's time whenever a rule fires or resolves; returns the unsubscribe function. */
  onChange(listener: (at: number) => void): () => void;
  close(): Promise<void>;
}

/** The status bar's word on alerts: "ALERT cpu > 95% for 5m (+1)", and whether sending fails; '' when all is quiet. */
export function alertStatus(alerting: Alerting): string {
  const firing = alerting.firing();
  const failing = alerting.failing();
  const parts = [
    firingStatus(firing),
    failing > 0 ? `${failing} alert notification(s) not sent yet` : '',
  ];
  return parts.filter(Boolean).join(' │ ');
}

/** An alert's transition as a recording stores it (the notice without its host). */
export function alertEvent(n: AlertNotice): AlertEvent {
  const kind = n.kind === 'resolved' ? 'resolved' : 'firing';
  return { kind, rule: n.rule, value: n.value, since: n.since, at: n.at, top: n.top, ...(n.culprits ? { culprits: n.culprits } : {}) };
}

/** Where the alerting's lines go; a line telling a notice comes with it. */
export type AlertLog = (line: string, notice?: AlertNotice) => void;

/**
 * Evaluates the rules on every sample the hub takes and hands what to tell to
 * the outbox, which sends on its own timers: the sampling path only appends.
 * Each rule that starts firing or resolves goes to `onTransition` (a recording), told or not.
 */
export function startAlerting(hub: SessionHub, setup: AlertSetup, log: AlertLog, onTransition?: (e: AlertEvent) => void): Alerting {
  const { rules, targets, quiet, file } = setup;
  // The outbox asks for the told states only when it writes, after the evaluator exists.
  const outbox: AlertOutbox = new AlertOutbox({ targets: targetMap(targets), ...(file !== undefined ? { file } : {}), told: () => ev.toldFiring(), log });
  const ev: AlertEvaluator = new AlertEvaluator(rules, { repeatMs: setup.repeatMs, ...(quiet ? { quiet } : {}), told: outbox.load(), noReadingMs: setup.noReadingMs });
  const listeners = new Set<(at: number) => void>();
  let evaluatedAt: number | null = null;
  hub.subscribe(
    (sample, changed) => {
      const { notices, transitions } = ev.step(sample, changed);
      for (const n of notices) {
        log(noticeLine(n), n);
        outbox.enqueue(outgoing(n));
      }
      if (onTransition) for (const n of transitions) onTransition(alertEvent(n));
      evaluatedAt = sample.time;
      // The transitions, not the notices: quiet hours hold notices back, never what fires.
      if (transitions.length > 0) for (const l of listeners) l(sample.time);
    },
    (err) => log(`alert evaluation failed: ${errorMessage(err)}`),
  );
  const to = targets.length > 0 ? `notifying ${targets.map((t) => maskUrl(t.url)).join(', ')}` : 'no --notify given: firing alerts are only logged';
  log(`${rules.length} alert rule(s); ${to}${quiet ? `; quiet hours ${quietHoursText(quiet)}` : ''}${file === undefined ? '; alert state not kept across restarts (give --alert-state FILE)' : ''}`);
  const host = hostname();
  return {
    firing: () => ev.firing(),
    failing: () => outbox.failing,
    report: () => ({ version: 1, host, rules: rules.map((r) => r.text), firing: ev.firing() }),
    evaluatedAt: () => evaluatedAt,
    onChange: (listener) => {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    close: () => outbox.close(),
  };
}

/** The agent's `alert` message for its viewers: the report and the sample it was last evaluated on, and each change. */
export function alertFeed(alerting: Alerting): AlertFeed {
  return {
    message: () => ({ type: 'alert', at: alerting.evaluatedAt(), alerts: alerting.report() }),
    onChange: (listener) => alerting.onChange(() => listener()),
  };
}

/**
 * The dashboard's own alerting: its log lines (a terminal has no log) and its
 * firing set kept on a board for the alerts panel.
 */
export function startBoardAlerting(hub: SessionHub, setup: AlertSetup, onTransition?: (e: AlertEvent) => void): { alerting: Alerting; board: AlertBoard } {
  const board = new AlertBoard();
  // A notice's line would list a firing twice: the board shows the transitions themselves.
  const alerting = startAlerting(hub, setup, (line, notice) => {
    if (notice === undefined) board.addLog(line, Date.now());
  }, onTransition);
  board.update(alerting.report(), Date.now());
  alerting.onChange((at) => board.update(alerting.report(), at));
  return { alerting, board };
}

/** `tmon alert test`: one test message to each target, sent now; which were accepted, one line each. */
export async function sendTestMessages(urls: readonly string[], write: (line: string) => void): Promise<boolean> {
  const targets = notifyTargets(urls);
  if (targets.length === 0) throw new UsageError('name where to send it: tmon alert test --notify URL (see tmon alert test --help)');
  const now = Date.now();
  const host = hostname();
  const message = outgoing({ kind: 'test', rule: 'tmon alert test', host, value: 'a test message: notifications reach you', since: now, at: now, top: [] });
  let allSent = true;
  for (const t of targets) {
    try {
      await sendTo(t, message);
      write(`sent to ${maskUrl(t.url)}`);
    } catch (err) {
      allSent = false;
      write(`not sent to ${maskUrl(t.url)}: ${sanitize(errorMessage(err), 500)}`);
    }
  }
  return allSent;
}
