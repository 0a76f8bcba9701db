import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { setImmediate as turn } from 'node:timers/promises';
import { afterAll, describe, expect, it } from 'vitest';
import { AlertOutbox, type OutboxOptions, type ToldRecord } from '../src/transport/alert-outbox.js';
import { RefusedError, type OutgoingMessage } from '../src/transport/alert-targets.js';
import { ManualClock } from './helpers/manual-clock.js';

const dir = mkdtempSync(path.join(tmpdir(), 'tmon-alert-outbox-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function message(subject: string): OutgoingMessage {
  return { subject, text: `${subject}\n`, json: { title: subject }, env: { TMON_ALERT_SUBJECT: subject } };
}

/** A target that fails while `down` is true and records what it accepted. */
function target(): { down: boolean; got: string[]; attempts: number; send: (m: OutgoingMessage) => Promise<void> } {
  const t = {
    down: false,
    got: [] as string[],
    attempts: 0,
    send: async (m: OutgoingMessage): Promise<void> => {
      t.attempts++;
      if (t.down) throw new Error('connection refused');
      t.got.push(m.subject);
    },
  };
  return t;
}

async function settle(): Promise<void> {
  for (let i = 0; i < 10; i++) await turn();
}

function outbox(clock: ManualClock, targets: Record<string, ReturnType<typeof target>>, extra: Partial<OutboxOptions> = {}): { box: AlertOutbox; logs: string[] } {
  const logs: string[] = [];
  const box = new AlertOutbox({
    targets: new Map(Object.entries(targets).map(([k, t]) => [k, { label: `target ${k}`, send: t.send }])),
    told: () => [],
    log: (l) => logs.push(l),
    clock,
    ...extra,
  });
  return { box, logs };
}

describe('AlertOutbox', () => {
  it('returns at once and sends on its own timer, to every target', async () => {
    const clock = new ManualClock(1000);
    const a = target();
    const b = target();
    const { box } = outbox(clock, { a, b });
    box.enqueue(message('one'));
    expect(a.attempts + b.attempts).toBe(0);
    clock.advance(0);
    await settle();
    clock.advance(0);
    await settle();
    expect([a.got, b.got]).toEqual([['one'], ['one']]);
    expect(box.pending).toBe(0);
    await box.close();
  });

  it('retries a failure with doubling backoff, keeps a target’s messages in order, and logs without the URL', async () => {
    const clock = new ManualClock(1000);
    const a = target();
    a.down = true;
    const { box, logs } = outbox(clock, { a });
    box.enqueue(message('firing'));
    box.enqueue(message('resolved'));
    clock.advance(0);
    await settle();
    expect(a.attempts).toBe(1);
    expect(clock.pending()).toEqual([1000]);
    clock.advance(1000);
    await settle();
    expect(clock.pending()).toEqual([2000]);
    clock.advance(2000);
    await settle();
    expect(clock.pending()).toEqual([4000]);
    expect(a.attempts).toBe(3);
    a.down = false;
    clock.advance(4000);
    await settle();
    clock.advance(0);
    await settle();
    expect(a.got).toEqual(['firing', 'resolved']);
    expect(logs).toContain('alert notification to target a failed (connection refused); retrying in 4 s');
    expect(logs).toContain('alert notification sent to target a after 3 failed attempt(s)');
    await box.close();
  });

  it('keeps unsent messages and told alerts in its file across a restart, and sends them when the target is back', async () => {
    const file = path.join(dir, 'restart.json');
    const clock = new ManualClock(1000);
    const a = target();
    a.down = true;
    const told: ToldRecord[] = [{ rule: 'cpu > 95%', since: 500, lastSent: 900 }];
    const first = outbox(clock, { a }, { file, told: () => told });
    first.box.enqueue(message('firing'));
    clock.advance(0);
    await settle();
    await first.box.close();
    const saved = readFileSync(file, 'utf8');
    expect(JSON.parse(saved)).toMatchObject({ version: 1, told, pending: [{ target: 'a', attempts: 1, message: { subject: 'firing' } }] });

    const clock2 = new ManualClock(50_000);
    const back = target();
    const second = outbox(clock2, { a: back }, { file });
    expect(second.box.load()).toEqual(told);
    expect(second.logs).toEqual(['1 alert notification(s) from before the restart still to send']);
    clock2.advance(0);
    await settle();
    expect(back.got).toEqual(['firing']);
    await second.box.close();
    expect(JSON.parse(readFileSync(file, 'utf8'))).toMatchObject({ pending: [] });
  });

  it('two outboxes on one state file (two dashboards) each write whole files, never each other\'s half-written one', async () => {
    const file = path.join(dir, 'shared.json');
    const clock = new ManualClock(0);
    const one = outbox(clock, { a: target() }, { file });
    const two = outbox(clock, { a: target() }, { file });
    for (let i = 0; i < 50; i++) {
      one.box.enqueue(message(`one ${i}`));
      two.box.enqueue(message(`two ${'x'.repeat(i * 40)}`));
      await turn();
    }
    await Promise.all([one.box.close(), two.box.close()]);
    expect([...one.logs, ...two.logs].filter((l) => /could not be written/.test(l))).toEqual([]);
    expect(() => JSON.parse(readFileSync(file, 'utf8')) as unknown).not.toThrow();
  });

  it('drops messages for targets no longer given, and starts afresh from a file that is not its own', async () => {
    const file = path.join(dir, 'other.json');
    writeFileSync(file, JSON.stringify({ version: 1, told: [], pending: [{ target: 'gone', message: message('x'), attempts: 0, nextAt: 0 }] }));
    const clock = new ManualClock(0);
    const { box } = outbox(clock, { a: target() }, { file });
    box.load();
    expect(box.pending).toBe(0);
    writeFileSync(file, 'not json');
    const bad = outbox(clock, { a: target() }, { file });
    expect(bad.box.load()).toEqual([]);
    expect(bad.logs[0]).toMatch(/^alert state .*other\.json could not be read .*; starting afresh$/);
  });

  it('drops a message its target refuses for good, and goes on with the next', async () => {
    const clock = new ManualClock(0);
    const got: string[] = [];
    const logs: string[] = [];
    const box = new AlertOutbox({
      targets: new Map([['a', { label: 'target a', send: async (m: OutgoingMessage) => {
        if (m.subject === 'bad') throw new RefusedError('HTTP 400');
        got.push(m.subject);
      } }]]),
      told: () => [],
      log: (l) => logs.push(l),
      clock,
    });
    box.enqueue(message('bad'));
    box.enqueue(message('good'));
    for (let i = 0; i < 3; i++) {
      clock.advance(0);
      await settle();
    }
    expect(got).toEqual(['good']);
    expect(box.pending).toBe(0);
    expect(logs).toEqual(['alert notification to target a refused (HTTP 400); dropped, as a retry would be refused too']);
    await box.close();
  });

  it('keeps no message from a file whose environment holds more than tmon’s own variables', () => {
    const file = path.join(dir, 'crafted.json');
    const crafted = { ...message('x'), env: { TMON_ALERT_SUBJECT: 'x', LD_PRELOAD: '/tmp/evil.so' } };
    writeFileSync(file, JSON.stringify({ version: 1, told: [], pending: [{ target: 'a', message: crafted, attempts: 0, nextAt: 0 }, { target: 'a', message: message('ok'), attempts: 0, nextAt: 0 }] }));
    const { box } = outbox(new ManualClock(0), { a: target() }, { file });
    box.load();
    expect(box.pending).toBe(1);
  });

  it('holds at most maxEntries, the oldest dropped first', async () => {
    const clock = new ManualClock(0);
    const a = target();
    a.down = true;
    const { box, logs } = outbox(clock, { a }, { maxEntries: 3 });
    for (const s of ['1', '2', '3', '4', '5']) box.enqueue(message(s));
    expect(box.pending).toBe(3);
    expect(logs.at(-1)).toBe('alert queue full: 2 oldest notification(s) dropped so far');
    a.down = false;
    for (let i = 0; i < 4; i++) {
      clock.advance(1000);
      await settle();
    }
    expect(a.got).toEqual(['3', '4', '5']);
    await box.close();
  });
});
