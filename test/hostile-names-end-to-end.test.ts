import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { appendFileSync, mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { deflateRawSync, inflateRawSync } from 'node:zlib';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createCollector } from '../src/collect/platform.js';
import { LiveSource } from '../src/collect/live-source.js';
import type { Sample } from '../src/core/sample.js';
import { Codec, FrameType, encodeFrame, endPayload } from '../src/store/record-format.js';
import { openRecording } from '../src/store/recording-reader.js';
import { RecordingWriter } from '../src/store/recording-writer.js';
import { liveHub, liveView } from '../src/session/session-view.js';
import { startDashboard, type Dashboard } from '../src/ui/dashboard.js';
import { HeadlessTerminal, KEY } from './helpers/headless-terminal.js';
import { FORGED_ROW, FORMULA_COMM, HOSTILE_ARGS, HOSTILE_COMM, HOSTILE_COMM_SHOWN, startHostileProcess, type HostileProcess } from './helpers/hostile-process.js';
import { recordMemorySpike } from './helpers/recorded-spike.js';
import { runCli } from './helpers/run-cli.js';
import { makeSample } from './helpers/make-sample.js';
import { ScriptedSource } from './fixtures/transport/harness.js';
import { startAgent } from '../src/transport/agent-server.js';
import { PROTOCOL_VERSION } from '../src/protocol/wire-messages.js';
import { WebSocketServer } from 'ws';
import type { AddressInfo } from 'node:net';
import { framesOf, stripTrailer, writeRecording } from './fixtures/store/recording-files.js';

/**
 * Real processes with hostile names — a comm that retitles and clears the
 * terminal, an argv with a newline and a forged table row and a right-to-left
 * override, a comm that is a spreadsheet formula — read by the real collector,
 * then shown by every output: the dashboard (parsed by a terminal emulator),
 * `tmon spikes` and `tmon export --csv` of a recording. Nothing may act on the
 * terminal; each name stays on its own line, shown with `?` as `ps` does.
 */

// eslint-disable-next-line no-control-regex -- finding raw control and bidi characters is the point
const RAW_UNSAFE = /[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069\u2028\u2029]/;
/** The command line after the interpreter's path (python3 may be a shim that execs another path). */
const HOSTILE_CMD_TAIL = `python3 - ${HOSTILE_ARGS.join(' ')}`;

const dir = mkdtempSync(join(tmpdir(), 'tmon-hostile-'));
const children: HostileProcess[] = [];
afterEach(() => {
  for (const c of children.splice(0)) c.kill();
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function hostile(opts: Parameters<typeof startHostileProcess>[0]): Promise<HostileProcess> {
  const p = await startHostileProcess(opts);
  children.push(p);
  return p;
}

describe('tmon spikes on a recording of a process with a hostile name', () => {
  const file = join(dir, 'spike.tmon');
  let pid = 0;

  beforeAll(async () => {
    // 300 MB held for 2 s while burning CPU: the culprit of a memory spike.
    pid = await recordMemorySpike(file, 300, async () => (await hostile({ comm: HOSTILE_COMM, args: HOSTILE_ARGS, mb: 300, holdMs: 2000, burn: true })).child);
  }, 180_000);

  it('prints the culprit with ? for each control character, nothing raw, one line per spike', async () => {
    const text = await runCli(['spikes', file]);
    const json = await runCli(['spikes', file, '--json']);
    expect(text.code).toBe(0);
    expect(text.stdout).toContain(`${HOSTILE_COMM_SHOWN}[${pid}]`);
    const lines = text.stdout.split('\n');
    expect(lines.pop()).toBe('');
    for (const line of lines) expect(line).not.toMatch(RAW_UNSAFE);
    expect(lines).toHaveLength(json.stdout.trim().split('\n').length);
  });

  it('--json escapes control and bidi characters, and still carries the exact name and command', async () => {
    const r = await runCli(['spikes', file, '--json']);
    expect(r.code).toBe(0);
    expect(r.stdout).not.toMatch(RAW_UNSAFE);
    expect(r.stdout).toContain('\\u202e');
    expect(r.stdout).toContain('\\u001b]0;PWN\\u0007');
    const lines = r.stdout.trim().split('\n');
    const culprits = lines.flatMap((l) => (JSON.parse(l) as { culprits: { pid: number; name: string; command: string }[] }).culprits);
    // A spike while python was still starting names it by its old comm: the one after its retitle carries the new one.
    const mine = culprits.find((c) => c.pid === pid && c.name === HOSTILE_COMM);
    expect(mine, r.stdout).toBeDefined();
    expect(mine?.command.endsWith(HOSTILE_CMD_TAIL), mine?.command).toBe(true);
  });
});

describe('tmon export --csv of a recording holding hostile names', () => {
  it('writes the formula name as text and the escape-sequence name with ?', async () => {
    const burner = await hostile({ comm: HOSTILE_COMM, args: HOSTILE_ARGS, burn: true });
    const formula = await hostile({ comm: FORMULA_COMM, args: ['-2+3'], mb: 50 });
    const source = new LiveSource(await createCollector({ intervalMs: 300 }), 300);
    // The CSV names each sample's top process of the whole machine, which a test on a shared
    // machine does not control: the recording keeps the real samples' two processes of this test.
    const mine = new Set([burner.pid, formula.pid]);
    const samples: Sample[] = [];
    try {
      for await (const s of source.samples()) {
        const own = s.processes.filter((p) => mine.has(p.pid));
        if (own.length === 2) samples.push({ ...s, processes: own });
        if (samples.length >= 5) break;
      }
    } finally {
      await source.close();
    }
    expect(samples.find((s) => s.processes.some((p) => p.pid === burner.pid))?.processes.find((p) => p.pid === burner.pid)?.name).toBe(HOSTILE_COMM);
    const file = join(dir, 'csv.tmon');
    const writer = RecordingWriter.createSync(file, { host: (samples[0] as Sample).host, intervalMs: 300 });
    for (const s of samples) writer.append(s);
    await writer.close();

    const r = await runCli(['export', file, '--csv']);
    expect(r.code, r.stderr).toBe(0);
    const rows = r.stdout.split('\r\n');
    expect(rows.pop()).toBe('');
    for (const row of rows) expect(row).not.toMatch(RAW_UNSAFE);
    const cells = rows.slice(1).map((row) => row.split(','));
    expect(cells.map((c) => c[12])).toContain(`'${FORMULA_COMM}[${formula.pid}]`);
    expect(cells.map((c) => c[10])).toContain(`${HOSTILE_COMM_SHOWN}[${burner.pid}]`);
    // Sanitising happens on the way out: the recording keeps the truth.
    const recording = await openRecording(file);
    try {
      expect(recording.at(0)?.processes.find((p) => p.pid === burner.pid)?.name).toBe(HOSTILE_COMM);
    } finally {
      await recording.close();
    }
  }, 30_000);
});

describe('the dashboard showing a process with a hostile name', () => {
  let term: HeadlessTerminal | undefined;
  let dash: Dashboard | undefined;
  let source: LiveSource | undefined;
  afterEach(async () => {
    dash?.destroy();
    await source?.close();
    term?.dispose();
  });

  it('keeps it on one row with ? in the table and the inspector, and leaves the terminal title alone', async () => {
    source = new LiveSource(await createCollector({ intervalMs: 500 }), 500);
    const t = (term = new HeadlessTerminal(250, 70));
    const titles: string[] = [];
    t.term.onTitleChange((title) => titles.push(title));
    // 40 rows by CPU: a process burning a core is among them on any machine with two cores.
    dash = startDashboard({ io: t.io, view: liveView(liveHub(source, { top: 40 }).start()), color: true });
    const { pid } = await hostile({ comm: HOSTILE_COMM, args: HOSTILE_ARGS, burn: true });

    // Name, then the command line (cut at the table's edge, which the state, threads and start columns bring nearer) with the would-be forged row inside it.
    const row = new RegExp(`\\b${pid} .*${escapeRe(HOSTILE_COMM_SHOWN)}  \\S*python3 - ${escapeRe(HOSTILE_COMM_SHOWN)} x\\?  31337`);
    const screen = await t.waitFor((s) => s.split('\n').some((l) => row.test(l)), 20_000);
    // The would-be forged row never stands on a line of its own.
    for (const line of screen.split('\n').filter((l) => l.includes('31337'))) expect(line).toContain(`${HOSTILE_COMM_SHOWN} x?  31337`);

    // Paused, the table holds still: select the process's row and inspect it.
    await t.keys(KEY.space);
    const lines = (await t.waitFor((s) => /PAUSED/.test(s) && row.test(s))).split('\n');
    const header = lines.findIndex((l) => /PID USER\s+CPU%/.test(l));
    const at = lines.findIndex((l) => row.test(l));
    expect(header).toBeGreaterThanOrEqual(0);
    expect(at).toBeGreaterThan(header);
    await t.keys(KEY.home, ...Array<string>(at - header - 1).fill(KEY.down), 'i');
    const inspector = await t.waitFor((s) => s.includes(`Process ${HOSTILE_COMM_SHOWN}[${pid}]`));
    expect(inspector).toMatch(new RegExp(`command: \\S*python3 - ${escapeRe(HOSTILE_COMM_SHOWN)} x\\?${escapeRe(FORGED_ROW)} \\?gnp\\.exe`));

    const raw = t.rawSince(0);
    expect(raw).not.toContain('\x07');
    expect(raw).not.toContain('\u202e');
    expect(titles.filter((x) => x.includes('PWN'))).toEqual([]);
  }, 60_000);
});

describe('warnings and errors quoting files', () => {
  it("prints a recording's stored warnings and a hostile file name with ?", async () => {
    const store = join(dir, 'store');
    mkdirSync(store);
    // A recording whose index carries a warning written by whoever made the file.
    const file = join(store, 'a.tmon');
    await writeRecording(file, [makeSample({ time: Date.UTC(2026, 10, 22, 3) })]);
    const index = framesOf(file).find((f) => f.type === FrameType.INDEX);
    const stored = JSON.parse(inflateRawSync(index?.payload ?? Buffer.alloc(0)).toString('utf8')) as Record<string, unknown>;
    stripTrailer(file);
    const indexAt = statSync(file).size;
    const warnings = ['damaged \x1b]0;PWN\x07\x1b[2J\nforged line \u202egnp.exe'];
    appendFileSync(file, encodeFrame(FrameType.INDEX, Codec.DEFLATE, deflateRawSync(Buffer.from(JSON.stringify({ ...stored, warnings })))));
    appendFileSync(file, encodeFrame(FrameType.END, Codec.STORED, endPayload(indexAt)));
    // A file that is no recording, named to retitle the terminal of whoever lists the store.
    writeFileSync(join(store, '\x1b]0;PWN\x07.tmon'), 'not a recording');

    const r = await runCli(['spikes', store]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toContain('damaged ?]0;PWN??[2J?forged line ?gnp.exe');
    expect(r.stderr).toContain('?]0;PWN?.tmon');
    const lines = r.stderr.split('\n');
    expect(lines.pop()).toBe('');
    for (const line of lines) expect(line).toMatch(/^tmon: warning: /);
    for (const line of lines) expect(line).not.toMatch(RAW_UNSAFE);

    const missing = await runCli(['export', join(dir, '\x1b]0;PWN\x07\u202e.tmon'), '--csv']);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain('?]0;PWN??.tmon');
    expect(missing.stderr.slice(0, -1)).not.toMatch(RAW_UNSAFE);
  });
});

describe('warnings and errors quoting agents', () => {
  const WORDS = 'disk \x1b]0;PWN\x07\x1b[2J\ngone \u202egnp.exe';
  const SHOWN = 'disk ?]0;PWN??[2J?gone ?gnp.exe';

  it("tmon spikes HOST:PORT prints why an agent's store could not be read with ?", async () => {
    const agent = await startAgent({
      source: new ScriptedSource(),
      listen: { host: '127.0.0.1', port: 0 },
      archive: { open: () => Promise.reject(new Error(WORDS)) },
      log: () => undefined,
    });
    try {
      const r = await runCli(['spikes', `127.0.0.1:${agent.address.port}`]);
      expect(r.code, r.stderr).toBe(0);
      expect(r.stderr).toContain(SHOWN);
      expect(r.stderr.slice(0, -1)).not.toMatch(RAW_UNSAFE);
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
    } finally {
      await agent.close();
    }
  });

  it("an agent's version in a mismatch error prints with ?", async () => {
    const wss = new WebSocketServer({ host: '127.0.0.1', port: 0 });
    wss.on('connection', (ws) => ws.send(JSON.stringify({ type: 'hello', protocolVersion: PROTOCOL_VERSION + 1, agentVersion: WORDS })));
    await new Promise<void>((resolve) => wss.once('listening', () => resolve()));
    try {
      const r = await runCli(['spikes', `127.0.0.1:${(wss.address() as AddressInfo).port}`]);
      expect(r.code).toBe(1);
      expect(r.stderr).toContain(`runs tmon ${SHOWN} speaking protocol`);
      expect(r.stderr.slice(0, -1)).not.toMatch(RAW_UNSAFE);
    } finally {
      await new Promise<void>((resolve) => wss.close(() => resolve()));
    }
  });
});

function escapeRe(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
