import { describe, expect, it } from 'vitest';
import { AlertBoard, MAX_ALERT_EVENTS, firingStatus } from '../src/analysis/alert-board.js';

const RULES = ['cpu > 95% for 5m', 'process(apache2) absent'];
const apache = { rule: 'process(apache2) absent', since: 1_000, value: '0 processes matching apache2' };
const cpu = { rule: 'cpu > 95% for 5m', since: 2_000, value: 'CPU 97.0%' };

describe('AlertBoard', () => {
  it('starts from the first state without transitions, then records each rule that fires or resolves', () => {
    const b = new AlertBoard();
    expect(b.rules).toEqual([]);
    b.update({ rules: RULES, firing: [apache] }, 5_000);
    expect(b.firing).toEqual([apache]);
    expect(b.transitions).toEqual([]);
    b.update({ rules: RULES, firing: [apache, cpu] }, 6_000);
    b.update({ rules: RULES, firing: [cpu] }, 7_000);
    b.update({ rules: RULES, firing: [cpu] }, 8_000);
    expect(b.transitions).toEqual([
      { kind: 'fired', rule: cpu.rule, at: 6_000, value: 'CPU 97.0%' },
      { kind: 'resolved', rule: apache.rule, at: 7_000, value: '0 processes matching apache2' },
    ]);
    expect(b.rules).toEqual(RULES);
  });

  it('keeps the newest transitions and log lines only', () => {
    const b = new AlertBoard();
    b.update({ rules: RULES, firing: [] }, 0);
    for (let i = 1; i <= MAX_ALERT_EVENTS + 10; i++) {
      b.update({ rules: RULES, firing: i % 2 ? [apache] : [] }, i);
      b.addLog(`line ${i}`, i);
    }
    expect(b.transitions).toHaveLength(MAX_ALERT_EVENTS);
    expect(b.transitions.at(-1)?.at).toBe(MAX_ALERT_EVENTS + 10);
    expect(b.log).toHaveLength(MAX_ALERT_EVENTS);
    expect(b.log[0]?.text).toBe('line 11');
  });
});

describe('firingStatus', () => {
  it('names the first firing rule and how many more', () => {
    expect(firingStatus([])).toBe('');
    expect(firingStatus([apache])).toBe('ALERT process(apache2) absent');
    expect(firingStatus([apache, cpu])).toBe('ALERT process(apache2) absent (+1)');
  });
});
