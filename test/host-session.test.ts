import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { HostFeed } from '../src/commands/host-feed.js';
import { startHostSession, type HostSession } from '../src/commands/host-session.js';
import type { SamplingSettings } from '../src/commands/shared-options.js';
import { formatClock } from '../src/core/units.js';
import { storeArchive } from '../src/transport/agent-archive.js';
import { startAgent, type RunningAgent } from '../src/transport/agent-server.js';
import { RemoteSource } from '../src/transport/remote-source.js';
import { HeadlessTerminal, KEY } from './helpers/headless-terminal.js';
import { startAgentProcess } from './helpers/agent-process.js';
import { tempDir } from './fixtures/store/recording-files.js';
import { ScriptedSource, waitFor } from './fixtures/transport/harness.js';
import { STORED_CULPRITS, liveSample, storedSpikeTime, writeStore } from './fixtures/transport/stored-history.js';

/**
 * `tmon connect HOST:PORT` as a person uses it: a real agent on 127.0.0.1 with
 * a real --store of three days, a real RemoteSource, the real dashboards on a
 * blessed screen parsed by a terminal emulator. H opens the stored history.
 */
const SETTINGS: SamplingSettings = { intervalMs: 1000, top: 15, thresholds: {} };
const LIVE = 60;

let store: ReturnType<typeof tempDir>;
beforeAll(async () => {
  store = tempDir();
  await writeStore(store.dir);
});
afterAll(() => store.cleanup());

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

/** A host session over the agent at 127.0.0.1:`port`, on a 120x30 headless terminal. */
async function sessionOn(port: number): Promise<{ t: HeadlessTerminal; session: HostSession }> {
  const remote = new RemoteSource(`127.0.0.1:${port}`);
  await remote.ready();
  const feed = new HostFeed(remote, { thresholds: SETTINGS.thresholds });
  cleanups.push(() => feed.close());
  const t = new HeadlessTerminal(120, 30);
  cleanups.push(() => t.dispose());
  const session = startHostSession({ io: t.io, feed, settings: SETTINGS, color: false });
  cleanups.push(() => session.destroy());
  return { t, session };
}

/** An agent holding LIVE live samples (with or without the store), and the session over it on a headless terminal. */
async function connect(withStore: boolean): Promise<{ t: HeadlessTerminal; source: ScriptedSource; session: HostSession; agent: RunningAgent }> {
  const source = new ScriptedSource();
  const agent: RunningAgent = await startAgent({ source, listen: { host: '127.0.0.1', port: 0 }, ...(withStore ? { archive: storeArchive(store.dir) } : {}) });
  cleanups.push(() => agent.close());
  for (let i = 0; i < LIVE; i++) source.push(liveSample(i));
  await waitFor('the live samples', () => agent.stats().historySamples === LIVE);
  const { t, session } = await sessionOn(agent.address.port);
  await t.waitFor((s) => /│ LIVE │/.test(s) && s.includes(`ticker live-${LIVE - 1}`));
  return { t, source, session, agent };
}

/** The store spans days, so the status bar gives the cursor's date with its time: "2026-11-23 04:05:00". */
const stamp = (ms: number): string => {
  const d = new Date(ms);
  return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')} ${formatClock(ms)}`;
};

const culpritRow = (name: string): RegExp => new RegExp(`^│\\s+\\d+ alice\\s+90\\.0.*${name}`, 'm');

describe('tmon connect: stored history', () => {
  it('H opens the newest stored spike; n/N reach spikes days earlier; Esc is live again, with what came meanwhile', async () => {
    const { t, source, session } = await connect(true);
    expect(await t.text()).toContain('H stored history');
    await t.keys('H');
    let s = await t.waitFor((x) => x.includes(`REPLAY ${stamp(storedSpikeTime(2))}`));
    expect(s).toMatch(culpritRow(STORED_CULPRITS[2]));
    expect(s).toContain('Esc live');
    // The spike log is the store's index: all three days.
    for (const name of STORED_CULPRITS) expect(s).toMatch(new RegExp(`MEM 7\\.1G .*${name}\\[`));

    await t.keys('N');
    s = await t.waitFor((x) => x.includes(`REPLAY ${stamp(storedSpikeTime(1))}`) && !/loading/.test(x));
    expect(s).toMatch(culpritRow(STORED_CULPRITS[1]));
    await t.keys('N');
    s = await t.waitFor((x) => x.includes(`REPLAY ${stamp(storedSpikeTime(0))}`) && !/loading/.test(x));
    expect(s).toMatch(culpritRow(STORED_CULPRITS[0]));
    // The time cursor moves inside that moment's window.
    await t.keys(KEY.right);
    await t.waitFor((x) => x.includes(`REPLAY ${stamp(storedSpikeTime(0) + 1000)}`));
    await t.keys('n');
    await t.waitFor((x) => x.includes(`REPLAY ${stamp(storedSpikeTime(1))}`) && !/loading/.test(x));

    // Live samples keep coming while the stored history is open; Esc shows them.
    source.push(liveSample(LIVE));
    await t.keys(KEY.escape);
    s = await t.waitFor((x) => /│ LIVE │/.test(x) && x.includes(`ticker live-${LIVE}`));
    expect(s).not.toContain('REPLAY');

    await t.keys('q');
    await session.done;
  });

  it('against an agent without --store, H says so and the live view stays', async () => {
    const { t, source } = await connect(false);
    expect(await t.text()).not.toContain('H stored history');
    await t.keys('H');
    await t.waitFor((x) => /keeps no stored history \(start its agent with --store DIR\)/.test(x));
    source.push(liveSample(LIVE));
    const s = await t.waitFor((x) => x.includes(`ticker live-${LIVE}`));
    expect(s).toMatch(/│ LIVE │/);
  });
});

describe('tmon connect: the link', () => {
  it('a link that goes down shows in the status bar at once, with no sample or key to redraw it', async () => {
    const { t, agent } = await connect(true);
    await agent.close();
    const s = await t.waitFor((x) => /reconnecting: lost connection to 127\.0\.0\.1:\d+/.test(x), 5000);
    // First after the mode, before any other text of the caller.
    expect(s).toMatch(/│ every 1\.0s │ reconnecting: lost connection to 127\.0\.0\.1:\d+: the agent stopped {2}H stored history/);
  });
});


describe('tmon connect: the agent’s alerts', () => {
  it('shows a real agent’s firing alert in the status bar as a local dashboard shows its own, and in the alerts panel', async () => {
    const rule = `process(tmw${process.pid % 100000}-gone) absent`;
    const state = tempDir();
    cleanups.push(() => state.cleanup());
    const agent = await startAgentProcess(['--alert', rule, '--alert-state', `${state.dir}/alert-state.json`]);
    cleanups.push(async () => void (await agent.stop()));
    const { t } = await sessionOn(agent.port);
    const s = await t.waitFor((x) => x.includes(`ALERT ${rule}`) && x.includes('Alerts: 1 firing'), 20_000);
    expect(s).toMatch(new RegExp(`│ LIVE │ every \\S+ │ ALERT ${rule.replace(/[()]/g, '\\$&')}`));
    expect(s).toContain(`FIRING ${rule}`);
    expect(s).toContain('0 processes matching');
  }, 40_000);
});
