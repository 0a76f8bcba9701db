import type { ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import type { AlertEvent } from '../src/core/alert-event.js';
import { RecordingWriter } from '../src/store/recording-writer.js';
import { startAgentProcess } from './helpers/agent-process.js';
import { TEST_HOST, makeSample } from './helpers/make-sample.js';
import { waitFor } from './helpers/notify-sinks.js';
import { killed, startNamed as startNamedIn } from './helpers/named-process.js';
import { startRecord as startRecordProcess, type RecordProcess } from './helpers/record-process.js';
import { TMON_BIN, runCli } from './helpers/run-cli.js';
import { TmuxSession } from './helpers/tmux.js';

const dir = mkdtempSync(path.join(tmpdir(), 'tmon-alerts-rec-'));
const cleanups: (() => Promise<unknown> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const startNamed = (name: string): ChildProcess => startNamedIn(dir, name, cleanups);

/** A real `tmon record`, stopped after the test if it has not been. */
function startRecord(args: string[]): RecordProcess {
  const rec = startRecordProcess(args);
  cleanups.push(() => rec.stop());
  return rec;
}

/** Waits until `log()` has said `text` `times` times. */
const said = (log: () => string, text: string, times = 1): Promise<true> =>
  waitFor(() => (log().split(text).length - 1 >= times ? true : undefined), 30_000, `${times}× '${text}'`);

const DAY_TIME = String.raw`\d{4}-\d\d-\d\d \d\d:\d\d:\d\d`;
// eslint-disable-next-line no-control-regex -- finding raw control and bidi characters is the point
const RAW_CONTROL = /[\x00-\x09\x0b-\x1f\x7f\u202e]/;
const esc = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

describe('tmon alerts FILE|DIR: the alert events a recording holds', () => {
  it('lists what a real tmon record --alert stored: firing, resolved after the process came back, firing again', async () => {
    const name = `tma${process.pid % 100000}r`;
    const file = path.join(dir, 'night.tmon');
    const rule = `process(${name}) absent for 0s`;
    const rec = startRecord([file, '--interval', '500ms', '--alert', rule, '--alert-state', path.join(dir, 'record-state.json')]);
    await said(rec.log, 'alert firing');
    const child = startNamed(name);
    await said(rec.log, 'alert resolved');
    await killed(child);
    await said(rec.log, 'alert firing', 2);
    expect(await rec.stop()).toBe(0);

    const text = await runCli(['alerts', file]);
    expect(text.stderr).toBe('');
    expect(text.code).toBe(0);
    const lines = text.stdout.trimEnd().split('\n');
    expect(lines).toHaveLength(3);
    expect(lines[0]).toMatch(new RegExp(`^${DAY_TIME} FIRING ${esc(rule)} \\(0 processes matching ${name}\\)( {2}top: .*)?$`));
    expect(lines[1]).toMatch(new RegExp(`^${DAY_TIME} RESOLVED ${esc(rule)} \\(1 process matching ${name}\\) after [\\d.]+s {2}top: ${name}\\[${child.pid}\\]`));
    expect(lines[2]).toMatch(new RegExp(`^${DAY_TIME} FIRING ${esc(rule)} \\(0 processes matching ${name}\\)`));

    const json = await runCli(['alerts', file, '--json']);
    expect(json.code).toBe(0);
    const events = json.stdout.trimEnd().split('\n').map((l) => JSON.parse(l) as Record<string, unknown> & { top: { pid: number }[] });
    expect(events.map((e) => e['kind'])).toEqual(['firing', 'resolved', 'firing']);
    expect(events[1]).toMatchObject({ rule, value: `1 process matching ${name}`, host: expect.any(String) });
    expect(events[1]?.top[0]?.pid).toBe(child.pid);
    const times = events.map((e) => Date.parse(e['at'] as string));
    expect(times).toEqual([...times].sort((a, b) => a - b));
    expect(Date.parse(events[1]?.['since'] as string)).toBe(times[0]);

    // tmon replay shows them as they were at the cursor: firing at the start, and at the end (after a
    // resolution) firing again.
    const tmux = new TmuxSession(120, 40);
    try {
      tmux.start(`${process.execPath} ${TMON_BIN} replay ${file}`);
      // Replay opens on the newest spike, which another workload on a shared machine may have made after the
      // resolution (a second copy of the suite's OOM kill): go to the start first.
      await tmux.waitFor((s) => /REPLAY/.test(s));
      tmux.keys('g', 'start', 'Enter');
      const start = await tmux.waitFor((s) => /Alerts: 1 firing/.test(s) && !/resolved +process\(/.test(s));
      expect(start).toContain(`FIRING ${rule}`);
      tmux.keys('g', '2099-01-01', 'Enter');
      const end = await tmux.waitFor((s) => /resolved +process\(/.test(s));
      expect(end).toMatch(/Alerts: 1 firing/);
    } finally {
      tmux.kill();
    }
  }, 90_000);

  it('lists the events of an agent’s --store directory, while it records (its file still open) and after', async () => {
    const name = `tma${process.pid % 100000}s`;
    const store = path.join(dir, 'store');
    const rule = `process(${name}) absent for 0s`;
    const agent = await startAgentProcess(['--store', store, '--interval', '500ms', '--alert', rule, '--alert-state', path.join(dir, 'agent-state.json')]);
    cleanups.push(() => agent.stop());
    await said(agent.log, 'alert firing');
    const child = startNamed(name);
    await said(agent.log, 'alert resolved');
    const open = await runCli(['alerts', store]);
    expect(open.code).toBe(0);
    expect(open.stdout).toMatch(new RegExp(`FIRING ${esc(rule)}.*\\n.*RESOLVED ${esc(rule)} \\(1 process matching ${name}\\)`));
    await killed(child);
    await said(agent.log, 'alert firing', 2);
    expect(await agent.stop()).toBe(0);
    const closed = await runCli(['alerts', store]);
    expect(closed.stderr).toBe('');
    expect(closed.stdout.trimEnd().split('\n').map((l) => l.split(' ')[2])).toEqual(['FIRING', 'RESOLVED', 'FIRING']);
  }, 90_000);

  it('sanitises every string a crafted file holds; --json keeps them exact, escaped', async () => {
    const file = path.join(dir, 'hostile.tmon');
    const w = await RecordingWriter.create(file, { host: { ...TEST_HOST, hostname: 'db\x1b]0;owned\x07' }, intervalMs: 1000 });
    w.append(makeSample({ time: Date.UTC(2026, 10, 30, 6, 1, 2) }));
    const hostile: AlertEvent = {
      kind: 'firing',
      rule: 'process(x)\x1b[2J absent',
      value: '0 processes \u202Ematching',
      since: Date.UTC(2026, 10, 30, 6, 1, 2),
      at: Date.UTC(2026, 10, 30, 6, 1, 2),
      top: [{ pid: 7, name: 'evil\x1b[31m\r\n', user: 'u', cpu: 1, rss: 1 }],
    };
    w.addEvent(hostile);
    await w.close();
    const text = await runCli(['alerts', file]);
    expect(text.code).toBe(0);
    expect(text.stdout).not.toMatch(RAW_CONTROL);
    expect(text.stdout.split('\n')).toHaveLength(2);
    const json = await runCli(['alerts', file, '--json']);
    expect(json.stdout).not.toMatch(RAW_CONTROL);
    expect(JSON.parse(json.stdout)).toMatchObject({ host: 'db\x1b]0;owned\x07', rule: hostile.rule, value: hostile.value, top: [{ name: 'evil\x1b[31m\r\n' }] });
  });

  it('one line for a missing, foreign or cut-off file; a file without events says so', async () => {
    const missing = await runCli(['alerts', path.join(dir, 'nope.tmon')]);
    expect(missing).toEqual({ code: 1, stdout: '', stderr: `tmon: ${path.join(dir, 'nope.tmon')}: no such file or directory\n` });

    const foreign = path.join(dir, 'notes.tmon');
    writeFileSync(foreign, 'just some notes, not a recording\n');
    expect(await runCli(['alerts', foreign])).toEqual({ code: 1, stdout: '', stderr: `tmon: ${foreign} is not a tmon recording\n` });

    const cut = path.join(dir, 'cut.tmon');
    const w = await RecordingWriter.create(cut, { host: TEST_HOST, intervalMs: 1000 });
    await w.close();
    truncateSync(cut, 12);
    const torn = await runCli(['alerts', cut]);
    expect(torn.code).toBe(1);
    expect(torn.stdout).toBe('');
    expect(torn.stderr.trimEnd().split('\n').at(-1)).toBe(`tmon: ${cut} holds no readable samples`);

    const quiet = path.join(dir, 'quiet.tmon');
    const q = await RecordingWriter.create(quiet, { host: TEST_HOST, intervalMs: 1000 });
    q.append(makeSample({ time: Date.now() }));
    await q.close();
    expect(await runCli(['alerts', quiet])).toEqual({ code: 0, stdout: `${quiet}: no alert events (none fired while it was recorded)\n`, stderr: '' });
    expect(await runCli(['alerts', quiet, '--json'])).toEqual({ code: 0, stdout: '', stderr: '' });

    const empty = path.join(dir, 'empty-store');
    mkdirSync(empty);
    expect((await runCli(['alerts', empty])).stderr).toBe(`tmon: ${empty} holds no tmon recordings (*.tmon files)\n`);
    expect(readFileSync(quiet).length).toBeGreaterThan(0);
  });
});
