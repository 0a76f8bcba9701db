import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Sample } from '../src/core/sample.js';
import { formatClock } from '../src/core/units.js';
import { HostFeed } from '../src/commands/host-feed.js';
import { startOverviewSession, type OverviewSession } from '../src/commands/overview.js';
import type { SamplingSettings } from '../src/commands/shared-options.js';
import { storeArchive } from '../src/transport/agent-archive.js';
import { startAgent, type RunningAgent } from '../src/transport/agent-server.js';
import { RemoteSource } from '../src/transport/remote-source.js';
import { HeadlessTerminal, KEY, hasColorSgr } from './helpers/headless-terminal.js';
import { startAgentProcess } from './helpers/agent-process.js';
import { tempDir } from './fixtures/store/recording-files.js';
import { ScriptedSource, waitFor } from './fixtures/transport/harness.js';
import { STORED_CULPRITS, liveSample, storedSpikeTime, writeStore } from './fixtures/transport/stored-history.js';
import { scenario } from './fixtures/ui/scenario.js';
import { freePort } from './helpers/notify-sinks.js';

/**
 * The overview of three real agents on 127.0.0.1 — one live, one unreachable,
 * one refusing the viewer's token — on a real blessed screen whose bytes a
 * terminal emulator parses; assertions are on the text a person would see.
 */
const SETTINGS: SamplingSettings = { intervalMs: 1000, top: 15, thresholds: {} };
const SAMPLES = scenario(102);

let live: { agent: RunningAgent; source: ScriptedSource };
let guarded: RunningAgent;
let deadPort: number;
let labels: { live: string; dead: string; guarded: string };
let feeds: HostFeed<RemoteSource>[] = [];
let term: HeadlessTerminal | undefined;
let session: OverviewSession | undefined;

beforeEach(async () => {
  const source = new ScriptedSource();
  live = { agent: await startAgent({ source, listen: { host: '127.0.0.1', port: 0 } }), source };
  // The live host has 100 samples and two spikes before the viewer connects (the scenario's last is 31 % CPU).
  for (const s of SAMPLES.slice(0, 100)) source.push(s);
  await waitFor('the agent to hold the samples', () => live.agent.stats().historySamples === 100);
  guarded = await startAgent({ source: new ScriptedSource(), listen: { host: '127.0.0.1', port: 0 }, token: 'right-token' });
  deadPort = await freePort();
  labels = { live: `127.0.0.1:${live.agent.address.port}`, dead: `127.0.0.1:${deadPort}`, guarded: `127.0.0.1:${guarded.address.port}` };
});

afterEach(async () => {
  session?.destroy();
  await Promise.all(feeds.map((f) => f.close()));
  term?.dispose();
  await live.agent.close();
  await guarded.close();
  feeds = [];
  session = term = undefined;
});

/** The session on a headless terminal, the viewer holding the wrong token for the guarded agent. */
function open(cols: number, rows: number, color = true): HeadlessTerminal {
  feeds = [labels.live, labels.dead, labels.guarded].map(
    (target) => new HostFeed(new RemoteSource(target, { token: 'wrong-token', backoff: { initialMs: 100, maxMs: 400 } }), { thresholds: SETTINGS.thresholds }),
  );
  term = new HeadlessTerminal(cols, rows);
  session = startOverviewSession({ io: term.io, feeds, settings: SETTINGS, color });
  return term;
}

/** All three hosts in their final states, as a person reads them. */
const settled = (s: string): boolean =>
  s.includes(labels.live) && /CPU\s+31\.0%/.test(s) && /unreachable: cannot reach/.test(s) && /auth failed: authentication failed/.test(s);

const onOverview = (s: string): boolean => s.includes('3 hosts: ') && s.includes(labels.dead) && s.includes(labels.guarded);

/** The screen row holding `text`; -1 when absent. */
const rowOf = (screen: string, text: string): number => screen.split('\n').findIndex((l) => l.includes(text));

describe('overview of three hosts', () => {
  it.each([
    [80, 24],
    [200, 50],
  ])('at %ix%i: live, unreachable and auth failed; Enter opens the live host, Esc returns, q ends', async (cols, rows) => {
    const t = open(cols, rows);
    let s = await t.waitFor(settled);
    expect(s).toContain(`${labels.live} · testhost`);
    expect(s).toMatch(/MEM\s+2\.0G\/8\.0G/);
    expect(s).toMatch(/last spike \d\d:\d\d:\d\d CPU 97% \S+\s+burn\[5151\]/);
    expect(s).toMatch(/connection refused \(is/);
    expect(s).toMatch(/\(check/);
    expect(s).toMatch(/3 hosts: 1 live, 1 auth failed, 1 unreachable/);
    // The first host is selected.
    expect(s).toContain(`▶ ${labels.live}`);
    if (cols >= 200) {
      // Side by side on a wide terminal.
      expect(rowOf(s, labels.live)).toBe(rowOf(s, labels.guarded));
    } else {
      expect(rowOf(s, labels.live)).toBeLessThan(rowOf(s, labels.dead));
      expect(rowOf(s, labels.dead)).toBeLessThan(rowOf(s, labels.guarded));
    }

    // Enter: the live host's dashboard, its graphs and spike log filled from what the overview held.
    await t.keys(KEY.enter);
    s = await t.waitFor((x) => /Processes by CPU/.test(x) && /Spikes \(2\)/.test(x));
    expect(s).toMatch(/alloc\[4242\]/);
    expect(s).toMatch(/Esc all hosts/);
    expect(s).not.toContain('3 hosts: ');

    // Esc: back to the overview, the boxes as they were.
    await t.keys(KEY.escape);
    s = await t.waitFor((x) => onOverview(x) && settled(x));
    expect(s).toContain(`▶ ${labels.live}`);

    // A sample arriving on the overview shows there, and in the dashboard opened again.
    live.source.push(SAMPLES[100] as Sample);
    await t.waitFor((x) => /CPU\s+3[0-9]\.0%/.test(x) && !/CPU\s+31\.0%/.test(x));
    const busy = (SAMPLES[100] as Sample).cpu.total.busy.toFixed(1);
    await t.keys(KEY.enter);
    s = await t.waitFor((x) => new RegExp(`CPU ${busy}%`).test(x) && /Spikes \(2\)/.test(x));

    await t.keys('q');
    await session?.done;
    await t.flush();
    expect(t.onAlternateScreen).toBe(false);
  });

  it('moves the selection with Tab, arrows and a click, and opens the host selected', async () => {
    const t = open(200, 50);
    await t.waitFor(settled);
    await t.keys(KEY.tab);
    await t.waitFor((x) => x.includes(`▶ ${labels.dead}`) && !x.includes(`▶ ${labels.live}`));
    await t.keys(KEY.right);
    await t.waitFor((x) => x.includes(`▶ ${labels.guarded}`));
    await t.keys(KEY.left, KEY.left);
    await t.waitFor((x) => x.includes(`▶ ${labels.live}`));

    // A click inside the third box (SGR mouse report, 1-based column;row): press and release.
    const s = await t.text();
    const row = rowOf(s, labels.guarded) + 3;
    const col = (s.split('\n')[rowOf(s, labels.guarded)] ?? '').indexOf(labels.guarded) + 3;
    await t.keys(`\x1b[<0;${col};${row}M`, `\x1b[<0;${col};${row}m`);
    await t.waitFor((x) => x.includes(`▶ ${labels.guarded}`) && !x.includes(`▶ ${labels.live}`));

    // Its dashboard says why it is empty; Esc returns with the same host selected.
    await t.keys(KEY.enter);
    await t.waitFor((x) => /waiting for the first sample/.test(x) && /auth-failed: authentication failed for/.test(x));
    await t.keys(KEY.escape);
    await t.waitFor((x) => onOverview(x) && x.includes(`▶ ${labels.guarded}`));
    await t.keys(KEY.ctrlC);
    await session?.done;
  });

  it('Esc closes an overlay in the host dashboard first; q there quits the whole session', async () => {
    const t = open(80, 24);
    await t.waitFor(settled);
    await t.keys(KEY.enter);
    await t.waitFor((x) => /Processes by CPU/.test(x));
    await t.keys('?');
    await t.waitFor((x) => /Help/.test(x));
    await t.keys(KEY.escape);
    await t.waitFor((x) => !/Help/.test(x) && /Processes by CPU/.test(x));
    await t.keys('q');
    await session?.done;
    await t.flush();
    expect(t.onAlternateScreen).toBe(false);
  });

  it('reflows when the terminal is resized', async () => {
    const t = open(80, 24);
    let s = await t.waitFor(settled);
    expect(rowOf(s, labels.live)).toBeLessThan(rowOf(s, labels.guarded));
    t.resize(200, 50);
    s = await t.waitFor((x) => rowOf(x, labels.live) >= 0 && rowOf(x, labels.live) === rowOf(x, labels.guarded));
    expect(s).toMatch(/CPU\s+31\.0%/);
  });

  it('writes no color with NO_COLOR, on the overview and in a host dashboard', async () => {
    const t = open(100, 30, false);
    await t.waitFor(settled);
    await t.keys(KEY.enter);
    await t.waitFor((x) => /Spikes \(2\)/.test(x));
    await t.keys(KEY.escape);
    await t.waitFor(onOverview);
    expect(hasColorSgr(t.rawSince(0))).toBe(false);
  });

  it('destroy() (a signal) restores the terminal from a host dashboard and ends the session', async () => {
    const t = open(80, 24);
    await t.waitFor(settled);
    await t.keys(KEY.enter);
    await t.waitFor((x) => /Processes by CPU/.test(x));
    session?.destroy();
    await session?.done;
    await t.flush();
    expect(t.onAlternateScreen).toBe(false);
  });

  it("shows an agent's host name with ? for its control and bidi characters, the terminal untouched", async () => {
    const t = open(200, 50);
    await t.waitFor(settled);
    const titles: string[] = [];
    t.term.onTitleChange((title) => titles.push(title));
    const next = SAMPLES[100] as Sample;
    live.source.push({ ...next, host: { ...next.host, hostname: 'db1\x1b]0;PWN\x07\u202e\x9b2J' } });
    await t.waitFor((x) => x.includes(`${labels.live} · db1?]0;PWN???2J`));
    const raw = t.rawSince(0);
    for (const ch of ['\x07', '\u202e', '\x9b']) expect(raw).not.toContain(ch);
    expect(titles).toEqual([]);
  });
});

describe('a host opened from the overview', () => {
  let store: ReturnType<typeof tempDir>;
  beforeAll(async () => {
    store = tempDir();
    await writeStore(store.dir);
  });
  afterAll(() => store.cleanup());

  let stored: { agent: RunningAgent; source: ScriptedSource } | undefined;
  afterEach(async () => {
    // The session and feeds are ended by the file's afterEach, which runs first.
    await stored?.agent.close();
    stored = undefined;
  });

  it('H shows its stored history; Esc returns to its live dashboard, Esc again to the overview; --interval only while open', async () => {
    const LIVE = 60;
    const source = new ScriptedSource();
    stored = { agent: await startAgent({ source, listen: { host: '127.0.0.1', port: 0 }, archive: storeArchive(store.dir) }), source };
    for (let i = 0; i < LIVE; i++) source.push(liveSample(i));
    await waitFor('the live samples', () => stored?.agent.stats().historySamples === LIVE);
    const label = `127.0.0.1:${stored.agent.address.port}`;
    feeds = [label, labels.live].map((target) => new HostFeed(new RemoteSource(target, { backoff: { initialMs: 100, maxMs: 400 } })));
    const t = (term = new HeadlessTerminal(120, 30));
    session = startOverviewSession({ io: t.io, feeds, settings: SETTINGS, color: false, watchIntervalMs: 500 });
    const onThisOverview = (x: string): boolean => x.includes('2 hosts: 2 live') && x.includes(`▶ ${label}`);
    await t.waitFor(onThisOverview);

    // Enter: the live dashboard, offering the stored history, with the way back first; the agent asked to sample faster.
    await t.keys(KEY.enter);
    let s = await t.waitFor((x) => /│ LIVE │/.test(x) && x.includes(`ticker live-${LIVE - 1}`));
    expect(s).toMatch(/Esc all hosts {2}H stored history/);
    await waitFor('the agent to sample faster', () => source.intervalMs === 500);

    // H: the newest stored spike, days before the live samples: its date, and its culprit at the top of the table.
    await t.keys('H');
    const spikeAt = storedSpikeTime(2);
    const d = new Date(spikeAt);
    const day = `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;
    s = await t.waitFor((x) => x.includes(`REPLAY ${day} ${formatClock(spikeAt)}`));
    expect(s).toMatch(new RegExp(`^│\\s+\\d+ alice\\s+90\\.0.*${STORED_CULPRITS[2]}`, 'm'));
    expect(s).toContain('Esc live');

    // Esc: that host's live dashboard again, not the overview; what arrived meanwhile is there.
    source.push(liveSample(LIVE));
    await t.keys(KEY.escape);
    s = await t.waitFor((x) => /│ LIVE │/.test(x) && x.includes(`ticker live-${LIVE}`));
    expect(s).not.toContain('REPLAY');
    expect(s).not.toContain('2 hosts: ');
    expect(s).toContain('Esc all hosts');
    expect(source.intervalMs).toBe(500);

    // Esc again: the overview, the same host selected; the agent back to its own rate.
    await t.keys(KEY.escape);
    await t.waitFor(onThisOverview);
    await waitFor('the agent to sample at its own rate', () => source.intervalMs === 1000);

    await t.keys('q');
    await session.done;
    await t.flush();
    expect(t.onAlternateScreen).toBe(false);
  });
});

describe('the overview and a host’s alerts', () => {
  it('gives a real agent’s firing alerts in its box: how many and the first rule', async () => {
    const rule = `process(tmw${process.pid % 100000}-ov) absent`;
    const state = tempDir();
    const agent = await startAgentProcess(['--alert', rule, '--alert-state', `${state.dir}/alert-state.json`]);
    try {
      feeds = [labels.live, `127.0.0.1:${agent.port}`].map((target) => new HostFeed(new RemoteSource(target), { thresholds: SETTINGS.thresholds }));
      term = new HeadlessTerminal(120, 30);
      session = startOverviewSession({ io: term.io, feeds, settings: SETTINGS, color: true });
      const s = await term.waitFor((x) => x.includes(`1 alert firing: ${rule}`), 20_000);
      // Only the host whose agent fires says so.
      expect(s.split('\n').filter((l) => l.includes('alert firing'))).toHaveLength(1);
    } finally {
      session?.destroy();
      await agent.stop();
      state.cleanup();
    }
  }, 40_000);
});
