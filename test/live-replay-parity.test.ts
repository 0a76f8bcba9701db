import { afterEach, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { liveHub, liveView, replayView } from '../src/session/session-view.js';
import { startDashboard, type Dashboard } from '../src/ui/dashboard.js';
import { openFileRecorder } from '../src/commands/recorder.js';
import { openRecording } from '../src/store/recording-reader.js';
import { HeadlessTerminal } from './helpers/headless-terminal.js';
import { ScriptedSource } from './helpers/scripted-source.js';
import { CPU_SPIKE_AT, scenario } from './fixtures/ui/scenario.js';

/** The spike log as a person reads it: `03:12:05 MEM 7.1G …` lines, in screen order. */
function spikeLog(text: string): string[] {
  return [...text.matchAll(/(\d\d:\d\d:\d\d (?:CPU|MEM) [^│┃|]*)/g)].map((m) => (m[1] ?? '').trim());
}

/**
 * One data model for live and replay (ARCHITECTURE.md): a session recorded while
 * it was watched shows, when replayed, the very spike log the live screen showed.
 */
describe('live and replay show the same spike log', () => {
  const dir = mkdtempSync(join(tmpdir(), 'tmon-parity-'));
  const terminals: HeadlessTerminal[] = [];
  const dashboards: Dashboard[] = [];
  afterEach(() => {
    for (const d of dashboards.splice(0)) d.destroy();
    for (const t of terminals.splice(0)) t.dispose();
  });

  it('records a live session, replays the file, and reads the same lines', async () => {
    const samples = scenario();
    const file = join(dir, 'session.tmon');
    const first = samples[0];
    if (!first) throw new Error('empty scenario');
    const recorder = openFileRecorder(file, { host: first.host, intervalMs: 1000 });

    const live = new HeadlessTerminal(120, 40);
    terminals.push(live);
    const source = new ScriptedSource(samples);
    // One hub: the screen's view and the recorder subscribe to the same stream and its one detector.
    const hub = liveHub(source, { top: 10 });
    hub.subscribe((s, changed) => recorder.push(s, changed));
    const liveDash = startDashboard({ io: live.io, view: liveView(hub.start()), color: false });
    dashboards.push(liveDash);
    // Both spikes are in the log and closed (no "ongoing"), so the session's log is final.
    const liveText = await live.waitFor((s) => spikeLog(s).length === 2 && !/ongoing|\+ /.test(spikeLog(s).join('\n')));
    const liveLog = spikeLog(liveText);
    liveDash.destroy();
    await recorder.close(hub.finishSpikes());

    const recording = await openRecording(file);
    const replay = new HeadlessTerminal(120, 40);
    terminals.push(replay);
    const replayDash = startDashboard({ io: replay.io, view: replayView({ timeline: recording, spikes: recording.spikes() }), color: false });
    dashboards.push(replayDash);
    const replayLog = spikeLog(await replay.waitFor((s) => /REPLAY/.test(s) && spikeLog(s).length === 2));
    await recording.close();

    expect(liveLog).toHaveLength(2);
    expect(liveLog.join('\n')).toMatch(/MEM .*alloc\[4242\]/);
    expect(liveLog.join('\n')).toMatch(/CPU .*burn\[5151\]/);
    expect(replayLog).toEqual(liveLog);
  });

  it('a recording that ends during a spike stores it ended at its last sample above, not ongoing', async () => {
    // The stream stops one sample into the CPU spike.
    const samples = scenario(CPU_SPIKE_AT + 2);
    const file = join(dir, 'cut.tmon');
    const first = samples[0];
    if (!first) throw new Error('empty scenario');
    const recorder = openFileRecorder(file, { host: first.host, intervalMs: 1000 });
    const source = new ScriptedSource(samples);
    source.end();
    const hub = liveHub(source, { top: 10 });
    hub.subscribe((s, changed) => recorder.push(s, changed));
    await hub.start().ended();
    expect(hub.spikes().some((x) => x.end === null)).toBe(true);
    await recorder.close(hub.finishSpikes());
    await hub.close();

    const recording = await openRecording(file);
    const cpu = recording.spikes().find((x) => x.metric === 'cpu');
    await recording.close();
    expect(typeof cpu?.end).toBe('number');
    expect(recording.spikes().every((x) => x.end !== null)).toBe(true);
    rmSync(dir, { recursive: true, force: true });
  });
});
