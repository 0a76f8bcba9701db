import { describe, expect, it } from 'vitest';
import { parseRule } from '../src/analysis/alert-rules.js';
import { AlertEvaluator, countProcesses, inQuietHours, parseQuietHours, type AlertEvaluatorOptions } from '../src/analysis/alert-state.js';
import type { Sample } from '../src/core/sample.js';
import type { Spike } from '../src/core/spike.js';
import { makeProcess, makeSample, TEST_HOST } from './helpers/make-sample.js';

const GiB = 1024 ** 3;
const T0 = new Date(2026, 10, 30, 12, 0, 0).getTime();
const apache = makeProcess({ pid: 100, name: 'apache2', cmd: '/usr/sbin/apache2 -k start' });
const other = makeProcess({ pid: 200, name: 'bash', cpu: 30 });

function evaluator(rules: string[], opts: AlertEvaluatorOptions = {}): AlertEvaluator {
  return new AlertEvaluator(rules.map(parseRule), opts);
}

/** What each sample told, as "kind@seconds-after-T0". */
function run(ev: AlertEvaluator, samples: Sample[]): string[] {
  return samples.flatMap((s) => ev.push(s).map((n) => `${n.kind}@${(n.at - T0) / 1000}`));
}

/** One sample a second from T0 + fromS to T0 + toS, with these processes. */
function seconds(fromS: number, toS: number, processes: ReturnType<typeof makeProcess>[]): Sample[] {
  const out: Sample[] = [];
  for (let s = fromS; s <= toS; s++) out.push(makeSample({ time: T0 + s * 1000, processes }));
  return out;
}

describe('AlertEvaluator', () => {
  it('moves ok → pending → firing after the rule’s duration, then resolved, and tells each once', () => {
    const ev = evaluator(['process(apache2) absent for 30s']);
    expect(run(ev, seconds(0, 5, [apache, other]))).toEqual([]);
    // Gone from 6 s: pending until 36 s, firing then, and nothing more while it stays gone.
    expect(run(ev, seconds(6, 35, [other]))).toEqual([]);
    expect(ev.firing()).toEqual([]);
    const fired = ev.push(makeSample({ time: T0 + 36_000, processes: [other] }));
    expect(fired).toEqual([
      expect.objectContaining({ kind: 'firing', rule: 'process(apache2) absent for 30s', host: TEST_HOST.hostname, since: T0 + 6000, value: '0 processes matching apache2' }),
    ]);
    expect(fired[0]?.top.map((p) => p.name)).toContain('bash');
    expect(ev.firing()).toEqual([{ rule: 'process(apache2) absent for 30s', since: T0 + 6000, value: '0 processes matching apache2' }]);
    expect(run(ev, seconds(37, 60, [other]))).toEqual([]);
    expect(run(ev, seconds(61, 62, [apache, other]))).toEqual(['resolved@61']);
    expect(ev.firing()).toEqual([]);
  });

  it('goes back to ok without a word when the condition stops while pending', () => {
    const ev = evaluator(['process(apache2) absent for 30s']);
    expect(run(ev, [...seconds(0, 20, [other]), ...seconds(21, 22, [apache]), ...seconds(23, 50, [other])])).toEqual([]);
    expect(run(ev, seconds(51, 53, [other]))).toEqual(['firing@53']);
  });

  it('fires at the first sample without a duration, and reminds every repeat interval while firing', () => {
    const ev = evaluator(['memory > 90%'], { repeatMs: 60_000 });
    const high = (s: number): Sample => makeSample({ time: T0 + s * 1000, memUsed: 7.5 * GiB });
    expect(run(ev, [0, 30, 59, 60, 61, 119, 120].map(high))).toEqual(['firing@0', 'repeat@60', 'repeat@120']);
    const notice = ev.push(makeSample({ time: T0 + 121_000, memUsed: 2 * GiB }))[0];
    expect(notice).toMatchObject({ kind: 'resolved', since: T0, value: 'memory 25.0% (2.0G of 8.0G)' });
  });

  it('names the top processes by RSS for memory and by CPU otherwise', () => {
    const big = makeProcess({ pid: 300, name: 'java', rss: 4 * GiB, cpu: 1 });
    const busy = makeProcess({ pid: 400, name: 'burn', rss: GiB / 100, cpu: 99 });
    const mem = evaluator(['memory > 50%']).push(makeSample({ time: T0, memUsed: 6 * GiB, processes: [busy, big] }))[0];
    expect(mem?.top.map((p) => p.name)).toEqual(['java', 'burn']);
    const cpu = evaluator(['cpu > 50%']).push(makeSample({ time: T0, cpuBusy: 90, processes: [big, busy] }))[0];
    expect(cpu?.top.map((p) => p.name)).toEqual(['burn', 'java']);
  });

  it('reads disk free in bytes or percent, and leaves a rule alone at a sample without its mount', () => {
    const ev = evaluator(['disk_free(/) < 70GiB', 'disk_free(/data) < 10%']);
    const notices = ev.push(makeSample({ time: T0 }));
    expect(notices.map((n) => [n.rule, n.value])).toEqual([['disk_free(/) < 70GiB', '/ free 60.0G (60.0%)']]);
    expect(ev.firing().map((f) => f.rule)).toEqual(['disk_free(/) < 70GiB']);
  });

  it('reads disk free as what df calls available when the sample has it', () => {
    const s = makeSample({ time: T0 });
    s.filesystems = s.filesystems.map((f) => ({ ...f, availBytes: 5 * GiB }));
    expect(evaluator(['disk_free(/) < 10GiB']).push(s).map((n) => n.value)).toEqual(['/ free 5.0G (5.0%)']);
  });

  it('fires a probe rule while its target is down or slow, and leaves it alone at a sample without that probe', () => {
    const at = (i: number, probes: Sample['probes']): Sample => ({ ...makeSample({ time: T0 + i * 1000 }), ...(probes ? { probes } : {}) });
    const ev = evaluator(['probe(tcp://db:5432) down for 1s', 'probe(https://example.com) latency > 500ms']);
    const told = [
      at(0, [{ target: 'tcp://db:5432', up: true, ms: 1 }, { target: 'https://example.com', up: true, ms: 80, status: 200 }]),
      at(1, [{ target: 'tcp://db:5432', up: false, error: 'ECONNREFUSED' }, { target: 'https://example.com', up: true, ms: 900, status: 200 }]),
      at(2, [{ target: 'tcp://db:5432', up: false, error: 'ECONNREFUSED' }]),
      at(3, undefined),
      at(4, [{ target: 'tcp://db:5432', up: true, ms: 2 }, { target: 'https://example.com', up: true, ms: 70, status: 200 }]),
    ].flatMap((s) => ev.push(s).map((n) => `${n.kind}@${(n.at - T0) / 1000} ${n.value}`));
    expect(told).toEqual([
      'firing@1 https://example.com up, 900 ms',
      'firing@2 tcp://db:5432 down (ECONNREFUSED)',
      'resolved@4 tcp://db:5432 up, 2 ms',
      'resolved@4 https://example.com up, 70 ms',
    ]);
  });

  it('fires a spike rule while a spike of that severity or worse is open, with its culprits', () => {
    const ev = evaluator(['spike(memory) >= warning']);
    const spike = (severity: Spike['severity'], end: number | null): Spike => ({
      id: `memory@${T0}`,
      metric: 'memory',
      start: T0,
      end,
      peak: 7 * GiB,
      peakAt: T0,
      min: 6 * GiB,
      avg: 6.5 * GiB,
      baseline: 2 * GiB,
      severity,
      culprits: [{ pid: 300, name: 'java', cmd: 'java', user: 'bob', startTime: 0, rise: 4 * GiB, share: 0.9 }],
    });
    expect(ev.push(makeSample({ time: T0 }), [spike('careful', null)])).toEqual([]);
    const [fired] = ev.push(makeSample({ time: T0 + 1000 }), [spike('critical', null)]);
    expect(fired).toMatchObject({ kind: 'firing', value: 'memory spike, critical', culprits: ['java[300] 90%'] });
    expect(ev.push(makeSample({ time: T0 + 2000 }), [spike('critical', T0 + 1000)]).map((n) => n.kind)).toEqual(['resolved']);
  });

  it('fires spike(latency) on a latency spike of any target, naming the target and no culprit', () => {
    const ev = evaluator(['spike(latency) >= warning', 'spike(cpu) >= notice']);
    const lat: Spike = { id: `latency@${T0}#0000abcd`, metric: 'latency', target: 'http://127.0.0.1:8080/', start: T0, end: null, peak: 1200, peakAt: T0, min: 1200, avg: 1200, baseline: 3, severity: 'warning', culprits: [] };
    const [fired, ...others] = ev.push(makeSample({ time: T0 }), [lat]);
    expect(others).toEqual([]);
    expect(fired).toMatchObject({ kind: 'firing', rule: 'spike(latency) >= warning', value: 'latency spike of http://127.0.0.1:8080/, warning', culprits: [] });
    expect(ev.push(makeSample({ time: T0 + 1000 }), [{ ...lat, end: T0 }]).map((n) => n.kind)).toEqual(['resolved']);
  });

  it('fires spike(latency, TARGET) only on a latency spike of that target', () => {
    const ev = evaluator(['spike(latency, tcp://db:5432) >= notice']);
    const lat = (target: string, end: number | null): Spike => ({ id: `latency@${T0}#${target}`, metric: 'latency', target, start: T0, end, peak: 900, peakAt: T0, min: 900, avg: 900, baseline: 3, severity: 'careful', culprits: [] });
    expect(ev.push(makeSample({ time: T0 }), [lat('http://127.0.0.1:8080/', null)])).toEqual([]);
    const [fired, ...others] = ev.push(makeSample({ time: T0 + 1000 }), [lat('tcp://db:5432', null)]);
    expect(others).toEqual([]);
    expect(fired).toMatchObject({ kind: 'firing', value: 'latency spike of tcp://db:5432, careful' });
    // The other target's spike still open does not hold the rule once this target's has closed.
    expect(ev.push(makeSample({ time: T0 + 2000 }), [lat('tcp://db:5432', T0 + 1000)]).map((n) => n.kind)).toEqual(['resolved']);
  });

  it('tells nothing in quiet hours; after them what changed, and nothing of a rule that fired and resolved inside them', () => {
    const quiet = parseQuietHours('12:00-12:02');
    if (!quiet) throw new Error('quiet hours did not parse');
    const ev = evaluator(['process(apache2) absent', 'cpu > 80%'], { quiet });
    const at = (s: number, processes: ReturnType<typeof makeProcess>[], cpuBusy = 10): Sample => makeSample({ time: T0 + s * 1000, processes, cpuBusy });
    // apache2 goes at 10 s and stays gone; the CPU is high from 20 to 30 s only: both inside 12:00–12:02.
    const told = [at(10, [other]), at(20, [other], 95), at(30, [other], 95), at(40, [other]), at(119, [other]), at(120, [other])].flatMap((s) =>
      ev.push(s).map((n) => `${n.kind} ${n.rule} @${(n.at - T0) / 1000} since ${(n.since - T0) / 1000}`),
    );
    expect(told).toEqual(['firing process(apache2) absent @120 since 10']);
  });

  it('resumes a rule the recipients were told is firing: not told again after a restart, resolved when it ends', () => {
    const rule = 'process(apache2) absent for 30s';
    const before = evaluator([rule]);
    run(before, seconds(0, 31, [other]));
    const told = before.toldFiring();
    expect(told).toEqual([{ rule, since: T0, lastSent: T0 + 30_000 }]);
    const after = evaluator([rule, 'cpu > 99%'], { told });
    expect(after.firing()).toEqual([{ rule, since: T0, value: '' }]);
    expect(run(after, seconds(40, 50, [other]))).toEqual([]);
    expect(run(after, seconds(51, 51, [apache]))).toEqual(['resolved@51']);
    expect(after.toldFiring()).toEqual([]);
  });
});

describe('AlertEvaluator transitions (what a recording stores)', () => {
  it('names each start of firing and each resolution, told or not: quiet hours hold the telling, a reminder is no transition', () => {
    const quiet = parseQuietHours('12:00-12:02');
    if (!quiet) throw new Error('quiet hours did not parse');
    const ev = evaluator(['cpu > 80%', 'memory > 90%'], { quiet, repeatMs: 60_000 });
    const at = (s: number, cpuBusy: number, memUsed = GiB): Sample => makeSample({ time: T0 + s * 1000, cpuBusy, memUsed });
    const steps = [at(10, 95), at(20, 95), at(30, 10), at(130, 95, 7.5 * GiB), at(240, 95, 7.5 * GiB), at(260, 10, 7.5 * GiB), at(261, 10)].map((s) =>
      ev.step(s),
    );
    const seen = (pick: 'notices' | 'transitions'): string[] => steps.flatMap((st) => st[pick].map((n) => `${n.kind} ${n.rule} @${(n.at - T0) / 1000}`));
    expect(seen('transitions')).toEqual([
      'firing cpu > 80% @10',
      'resolved cpu > 80% @30',
      'firing cpu > 80% @130',
      'firing memory > 90% @130',
      'resolved cpu > 80% @260',
      'resolved memory > 90% @261',
    ]);
    expect(seen('notices')).toEqual([
      'firing cpu > 80% @130',
      'firing memory > 90% @130',
      'repeat cpu > 80% @240',
      'repeat memory > 90% @240',
      'resolved cpu > 80% @260',
      'resolved memory > 90% @261',
    ]);
    expect(steps[3]?.transitions[0]).toMatchObject({ since: T0 + 130_000, value: 'cpu 95.0%' });
  });

  it('a rule restored as firing whose first reading keeps it firing is no transition; its resolution is one', () => {
    const rule = 'process(apache2) absent';
    const ev = evaluator([rule], { told: [{ rule, since: T0, lastSent: T0 }] });
    expect(ev.step(makeSample({ time: T0 + 60_000, processes: [other] })).transitions).toEqual([]);
    expect(ev.step(makeSample({ time: T0 + 61_000, processes: [apache] })).transitions.map((n) => n.kind)).toEqual(['resolved']);
  });
});

describe('AlertEvaluator, a reading that is gone', () => {
  const rule = 'disk_free(/mnt/backup) < 1GiB';
  const withBackup = (s: number, free: number): Sample => {
    const sample = makeSample({ time: T0 + s * 1000 });
    const root = sample.filesystems[0]!;
    sample.filesystems = [...sample.filesystems, { ...root, mount: '/mnt/backup', sizeBytes: 10 * GiB, usedBytes: 10 * GiB - free, availBytes: free }];
    return sample;
  };
  const without = (s: number): Sample => makeSample({ time: T0 + s * 1000 });

  it('resolves a firing rule once its mount has been gone for noReadingMs, its value saying so; not before', () => {
    const ev = evaluator([rule], { noReadingMs: 60_000 });
    expect(ev.push(withBackup(0, GiB / 2)).map((n) => n.kind)).toEqual(['firing']);
    // Unmounted at 1 s: still firing (a probe's first answer, a remount, may come), with its last value.
    expect(ev.push(without(1))).toEqual([]);
    expect(ev.push(without(60))).toEqual([]);
    expect(ev.firing()).toEqual([{ rule, since: T0, value: '/mnt/backup free 512M (5.0%)' }]);
    const step = ev.step(without(61));
    expect(step.notices.map((n) => [n.kind, n.value])).toEqual([['resolved', '/mnt/backup: not mounted for 1m00s']]);
    expect(step.transitions.map((n) => n.kind)).toEqual(['resolved']);
    expect(ev.firing()).toEqual([]);
    // Nothing more while it stays gone; mounted again and still full, it fires anew.
    expect(ev.push(without(3600))).toEqual([]);
    expect(ev.push(withBackup(3601, GiB / 2)).map((n) => n.kind)).toEqual(['firing']);
  });

  it('a reading back within noReadingMs keeps the rule firing, untold; the grace starts over', () => {
    const ev = evaluator([rule], { noReadingMs: 60_000 });
    ev.push(withBackup(0, GiB / 2));
    expect([without(1), without(50), withBackup(51, GiB / 2), without(52), without(100)].flatMap((s) => ev.push(s))).toEqual([]);
    expect(ev.firing().map((f) => f.rule)).toEqual([rule]);
    expect(ev.push(without(112)).map((n) => n.kind)).toEqual(['resolved']);
  });

  it('resolves a rule restored as firing from the state file whose reading never comes (its probe or mount gone), after the default 5 minutes', () => {
    const probeRule = 'probe(tcp://db:5432) down for 10s';
    const ev = evaluator([rule, probeRule], { told: [{ rule, since: T0, lastSent: T0 }, { rule: probeRule, since: T0, lastSent: T0 }] });
    expect(ev.push(without(0))).toEqual([]);
    expect(ev.push(without(299))).toEqual([]);
    expect(ev.firing()).toHaveLength(2);
    expect(ev.push(without(300)).map((n) => `${n.kind} ${n.value}`)).toEqual([
      'resolved /mnt/backup: not mounted for 5m00s',
      'resolved tcp://db:5432: no probe result for 5m00s',
    ]);
    expect(ev.toldFiring()).toEqual([]);
  });
});

describe('countProcesses', () => {
  it('counts by comm or program name, or a pattern in the comm or command line; never the monitor nor an exited process', () => {
    const fpm = makeProcess({ pid: 10, name: 'php-fpm8.2', cmd: 'php-fpm: pool www' });
    const monitor = makeProcess({ pid: 11, name: 'node', cmd: "node tmon agent --alert process(/php-fpm.*/) absent" });
    const gone = makeProcess({ pid: 12, name: 'php-fpm8.2', exited: true });
    const renamed = makeProcess({ pid: 13, name: 'apache2-wrk', cmd: '/usr/sbin/apache2 -k start' });
    const sample = { ...makeSample({ time: T0, processes: [fpm, monitor, gone, renamed, other] }), host: { ...TEST_HOST, monitorPid: 11 } };
    expect(countProcesses({ pattern: 'php-fpm.*', flags: '' }, sample)).toBe(1);
    expect(countProcesses({ name: 'apache2' }, sample)).toBe(1);
    expect(countProcesses({ name: 'php-fpm' }, sample)).toBe(0);
    expect(countProcesses({ pattern: 'PHP', flags: 'i' }, sample)).toBe(1);
  });
});

describe('quiet hours', () => {
  it('read HH:MM-HH:MM in local time, across midnight too', () => {
    const night = parseQuietHours('22:00-07:00');
    expect(night).toEqual({ startMinute: 1320, endMinute: 420 });
    if (!night) return;
    expect(inQuietHours(new Date(2026, 10, 30, 23, 30).getTime(), night)).toBe(true);
    expect(inQuietHours(new Date(2026, 10, 30, 6, 59).getTime(), night)).toBe(true);
    expect(inQuietHours(new Date(2026, 10, 30, 7, 0).getTime(), night)).toBe(false);
    expect(inQuietHours(new Date(2026, 10, 30, 12, 0).getTime(), night)).toBe(false);
    expect(parseQuietHours('25:00-07:00')).toBeNull();
    expect(parseQuietHours('night')).toBeNull();
  });
});

describe('a process rule’s top processes', () => {
  it('name the matching processes first, whatever they use', () => {
    const idle = makeProcess({ pid: 500, name: 'nginx', cpu: 0 });
    const busy = [1, 2, 3, 4, 5, 6].map((i) => makeProcess({ pid: 600 + i, name: `busy${i}`, cpu: 50 + i }));
    const [n] = evaluator(['process(nginx) < 2']).push(makeSample({ time: T0, processes: [...busy, idle] }));
    expect(n?.top.map((p) => p.name)).toEqual(['nginx', 'busy6', 'busy5', 'busy4', 'busy3']);
  });
});
