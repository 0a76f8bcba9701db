/**
 * What a screen shows of a host's alerts: its rules, those firing, the
 * transitions seen this session and the alerting's own log lines. Fed by the
 * dashboard's own alerting or by an agent's `alert` messages; pure of I/O.
 */

/** A rule firing now: when its condition began to hold, and its value in words. */
export interface FiringAlert {
  rule: string;
  since: number;
  value: string;
}

/** The rules and those firing (the protocol's AlertsReport is one). */
export interface AlertSnapshot {
  rules: readonly string[];
  firing: readonly FiringAlert[];
}

export interface AlertTransition {
  kind: 'fired' | 'resolved';
  rule: string;
  /** When it was seen to change (the deciding sample's time). */
  at: number;
  /** Firing: its value then; resolved: the last value it fired with. */
  value: string;
}

export interface AlertLogLine {
  at: number;
  text: string;
}

/** Transitions and log lines kept: a session's worth, bounded however long it runs. */
export const MAX_ALERT_EVENTS = 200;

/** What the alerts panel draws at one moment. */
export interface AlertView {
  readonly rules: readonly string[];
  readonly firing: readonly FiringAlert[];
  /** Oldest first. */
  readonly transitions: readonly AlertTransition[];
  /** Oldest first. */
  readonly log: readonly AlertLogLine[];
  /** The moment this view is of; absent for a live one, which is of now. */
  readonly asOf?: number;
}

/** Alerts as a screen reads them: live ones as they are now, a recording's as they were at the cursor. */
export interface AlertSource {
  readonly rules: readonly string[];
  at(time: number): AlertView;
}

export class AlertBoard implements AlertSource, AlertView {
  private snapshot: AlertSnapshot = { rules: [], firing: [] };
  private readonly seen: AlertTransition[] = [];
  private readonly lines: AlertLogLine[] = [];
  private known = false;

  /** The rules, in their order. */
  get rules(): readonly string[] {
    return this.snapshot.rules;
  }

  get firing(): readonly FiringAlert[] {
    return this.snapshot.firing;
  }

  /** Oldest first. */
  get transitions(): readonly AlertTransition[] {
    return this.seen;
  }

  /** Oldest first. */
  get log(): readonly AlertLogLine[] {
    return this.lines;
  }

  /** Live: the state now, wherever the cursor is (a paused screen still shows what fires). */
  at(): AlertView {
    return this;
  }

  /**
   * The state now, seen at `at`: a rule that began firing and one that stopped
   * since the last update are transitions. The first update is the state the
   * session starts from (a viewer joining sees what fires, not that it fired).
   */
  update(next: AlertSnapshot, at: number): void {
    if (this.known) {
      const before = new Map(this.snapshot.firing.map((f) => [f.rule, f]));
      const now = new Set(next.firing.map((f) => f.rule));
      for (const f of this.snapshot.firing) if (!now.has(f.rule)) this.add(this.seen, { kind: 'resolved', rule: f.rule, at, value: f.value });
      for (const f of next.firing) if (!before.has(f.rule)) this.add(this.seen, { kind: 'fired', rule: f.rule, at, value: f.value });
    }
    this.known = true;
    this.snapshot = { rules: [...next.rules], firing: next.firing.map((f) => ({ ...f })) };
  }

  /** One line the alerting logged (a notice, a notification that failed…). */
  addLog(text: string, at: number): void {
    this.add(this.lines, { at, text });
  }

  private add<T>(list: T[], item: T): void {
    list.push(item);
    if (list.length > MAX_ALERT_EVENTS) list.splice(0, list.length - MAX_ALERT_EVENTS);
  }
}

/** The status bar's word on firing alerts: "ALERT cpu > 95% for 5m (+1)"; '' when none fires. */
export function firingStatus(firing: readonly FiringAlert[]): string {
  const first = firing[0];
  return first ? `ALERT ${first.rule}${firing.length > 1 ? ` (+${firing.length - 1})` : ''}` : '';
}
