import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { get } from 'node:http';
import { connect } from 'node:net';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli, TMON_BIN } from './helpers/run-cli.js';
import { startAgentProcess } from './helpers/agent-process.js';
import { TmuxSession } from './helpers/tmux.js';
import WebSocket from 'ws';
import { STORED_CULPRITS, writeStore } from './fixtures/transport/stored-history.js';
import { bomb, maze, specialFiles } from './fixtures/store/crafted-files.js';
import { periodFileName } from '../src/store/retention.js';

const TOKEN = 's3cret-token-for-tests';

/** `tmon agent` as a real process, reached by the real CLI verbs that talk to it. */
describe('tmon agent and the verbs that reach it', () => {
  const dir = mkdtempSync(join(tmpdir(), 'tmon-agent-'));
  let agent: Awaited<ReturnType<typeof startAgentProcess>>;

  beforeAll(async () => {
    const tokenFile = join(dir, 'token');
    writeFileSync(tokenFile, `${TOKEN}\n`);
    agent = await startAgentProcess(['--token-file', tokenFile, '--interval', '500ms', '--store', join(dir, 'store')]);
  });

  afterAll(async () => {
    await agent?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('answers /healthz with its version', async () => {
    const body = await new Promise<string>((resolve, reject) => {
      get(`http://127.0.0.1:${agent.port}/healthz`, (res) => {
        let text = '';
        res.on('data', (d: Buffer) => (text += d.toString()));
        res.on('end', () => resolve(text));
      }).on('error', reject);
    });
    expect(JSON.parse(body)).toMatchObject({ version: expect.stringMatching(/^\d+\.\d+\.\d+/) });
  });

  it('serves its history to `tmon spikes HOST:PORT` with the right token', async () => {
    const r = await runCli(['spikes', `127.0.0.1:${agent.port}`, '--json'], { env: { TMON_TOKEN: TOKEN } });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
  });

  it('refuses a wrong token with one line naming the fix', async () => {
    const r = await runCli(['spikes', `127.0.0.1:${agent.port}`, '--token', 'wrong']);
    expect(r.code).toBe(1);
    expect(r.stderr.trim()).toBe(`tmon: authentication failed for 127.0.0.1:${agent.port} (check --token)`);
  });

  it('records to rolling files in --store', async () => {
    // One file per UTC hour: two if the test runs across the hour.
    const files = (): string[] => readdirSync(join(dir, 'store')).filter((f) => f.endsWith('.tmon'));
    const deadline = Date.now() + 10_000;
    while (files().length === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    expect(files().length).toBeGreaterThanOrEqual(1);
  });

  it('shows the remote dashboard through `tmon connect` in a real terminal; H browses what --store recorded, Esc is live again', async () => {
    const tmux = new TmuxSession(120, 40);
    try {
      tmux.start(`${process.execPath} ${TMON_BIN} connect 127.0.0.1:${agent.port}`, { TMON_TOKEN: TOKEN });
      await tmux.waitFor((s) => /PID/.test(s) && /CPU/.test(s) && new RegExp(`127\\.0\\.0\\.1:${agent.port}|LIVE`).test(s));
      await tmux.waitFor((s) => /H stored history/.test(s));
      tmux.keys('H');
      await tmux.waitFor((s) => /REPLAY (\d{4}-\d\d-\d\d |\d\d-\d\d )?\d\d:\d\d:\d\d/.test(s) && /Esc live/.test(s));
      tmux.keys('Escape');
      // tmux shows the status bar's separators as line-drawing characters.
      await tmux.waitFor((s) => / LIVE /.test(s) && !/REPLAY/.test(s));
      tmux.keys('q');
      expect(await tmux.waitFor((s) => /EXIT:\d+/.test(s))).toMatch(/EXIT:0/);
    } finally {
      tmux.kill();
    }
  });

  it('a connect to a refused port says so in one line and exits 1', async () => {
    const tmux = new TmuxSession(120, 20);
    try {
      tmux.start(`${process.execPath} ${TMON_BIN} connect 127.0.0.1:1`);
      const screen = await tmux.waitFor((s) => /EXIT:\d+/.test(s));
      expect(screen).toMatch(/cannot reach 127\.0\.0\.1:1.*refused/);
      expect(screen).toMatch(/EXIT:1/);
    } finally {
      tmux.kill();
    }
  });

  it('stops cleanly on SIGTERM', async () => {
    expect(await agent.stop()).toBe(0);
    expect(agent.log()).toMatch(/stopping/);
  });
});

describe('tmon spikes against an agent that keeps a store', () => {
  it("lists the spikes in the agent's store, days old, with their culprits", async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tmon-agent-store-'));
    await writeStore(dir);
    const a = await startAgentProcess(['--store', dir], { TMON_TOKEN: '' });
    try {
      const r = await runCli(['spikes', `127.0.0.1:${a.port}`, '--json']);
      expect(r.stderr).toBe('');
      expect(r.code).toBe(0);
      const culprits = r.stdout
        .trim()
        .split('\n')
        .map((l) => (JSON.parse(l) as { culprits: { name: string }[] }).culprits[0]?.name);
      for (const name of STORED_CULPRITS) expect(culprits).toContain(name);
    } finally {
      await a.stop();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('an agent whose --store holds hostile files (issue 9, item 4)', () => {
  it('starts quickly, samples, answers /healthz and serves its good files; one log line per bad file; writes nothing outside the store', async () => {
    const root = mkdtempSync(join(tmpdir(), 'tmon-agent-hostile-'));
    const dir = join(root, 'store');
    mkdirSync(dir);
    try {
      await writeStore(dir);
      // The names the recorder will reach for this hour (and the next, should the test cross it).
      const now = Date.now();
      for (const t of [now, now + 3_600_000]) {
        specialFiles(dir, { link: periodFileName(t, 'hour'), fifo: periodFileName(t, 'hour', 2), directory: periodFileName(t, 'hour', 3) });
      }
      writeFileSync(join(dir, 'bomb.tmon'), bomb());
      writeFileSync(join(dir, 'maze.tmon'), maze(4 * 1024 * 1024));
      const started = Date.now();
      const a = await startAgentProcess(['--store', dir, '--retain', '3650d', '--interval', '500ms'], { TMON_TOKEN: '' });
      try {
        const health = await new Promise<string>((resolve, reject) => {
          get(`http://127.0.0.1:${a.port}/healthz`, (res) => {
            let text = '';
            res.on('data', (d: Buffer) => (text += d.toString()));
            res.on('end', () => resolve(text));
          }).on('error', reject);
        });
        expect(JSON.parse(health)).toMatchObject({ version: expect.any(String) });
        expect(Date.now() - started).toBeLessThan(10_000);
        // Sampling goes on: the recorder writes this hour's samples under the first name that is a regular file of its own.
        const recorded = (): string[] => readdirSync(dir).filter((f) => /^tmon-\d{4}-\d\d-\d\dT\d\d-4\.tmon$/.test(f));
        const deadline = Date.now() + 10_000;
        while (recorded().length === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
        expect(recorded().length).toBeGreaterThanOrEqual(1);
        expect(readdirSync(root).filter((f) => f.startsWith('outside-'))).toEqual([]);
        const r = await runCli(['spikes', `127.0.0.1:${a.port}`, '--json']);
        expect(r.code).toBe(0);
        const culprits = r.stdout.trim().split('\n').map((l) => (JSON.parse(l) as { culprits: { name: string }[] }).culprits[0]?.name);
        for (const name of STORED_CULPRITS) expect(culprits).toContain(name);
        const log = a.log();
        expect(log.match(/stored history: tmon-[^ ]*T\d\d-2\.tmon is not a tmon recording \(not a regular file\): skipped/g)?.length).toBeGreaterThanOrEqual(1);
        expect(log).toMatch(/stored history: tmon-[^ ]*T\d\d\.tmon is a symbolic link: not followed: skipped/);
        expect(log).not.toMatch(/stored history cannot be read/);
      } finally {
        expect(await a.stop()).toBe(0);
      }
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });
});

describe('tmon agent refuses unsafe or broken settings', () => {
  it('will not listen on a non-loopback address without a token', async () => {
    const r = await runCli(['agent', '--listen', '0.0.0.0:0'], { env: { TMON_TOKEN: '' } });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/refusing to listen on 0\.0\.0\.0:0 without a token.*--no-auth/);
  });

  it('warns at start when --no-auth opens it anyway', async () => {
    const a = await startAgentProcess(['--no-auth', '--listen', '0.0.0.0:0'], { TMON_TOKEN: '' });
    try {
      expect(a.log()).toMatch(/WARNING: listening on 0\.0\.0\.0:\d+ without a token/);
    } finally {
      await a.stop();
    }
  });

  it.each([
    [['--listen', 'nowhere'], /--listen must be HOST:PORT/],
    [['--tls-cert', 'x.pem'], /--tls-cert and --tls-key go together/],
    [['--retain', '7d'], /go with --store/],
    [['--token', 'a', '--token-file', 'b'], /either --token or --token-file/],
    [['--history', '7d'], /at most 86400 in memory.*--store/],
  ])('rejects %j with exit 2', async (args, message) => {
    const r = await runCli(['agent', ...args]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(message);
  });

  it('accepts a name given with --allow-host and still refuses other names', async () => {
    const a = await startAgentProcess(['--allow-host', 'monitor.internal'], { TMON_TOKEN: '' });
    const upgrade = (host: string): Promise<number> =>
      new Promise((resolve) => {
        const ws = new WebSocket(`ws://127.0.0.1:${a.port}/`, { headers: { Host: `${host}:${a.port}` } });
        ws.on('open', () => {
          ws.close();
          resolve(101);
        });
        ws.on('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0));
        ws.on('error', () => resolve(-1));
      });
    try {
      expect(await upgrade('monitor.internal')).toBe(101);
      expect(await upgrade('evil.example')).toBe(403);
    } finally {
      await a.stop();
    }
  });

  it('logs what a peer chose — a Host header, a message type — with control and bidi characters as ?', async () => {
    const a = await startAgentProcess([], { TMON_TOKEN: '' });
    try {
      // Node's HTTP parser refuses C0 controls in a header but passes bytes 0x80–0xff through as
      // Latin-1: 0x9b is the C1 control CSI, which some terminals act on like ESC [.
      const host = Buffer.concat([Buffer.from('evil'), Buffer.from([0x9b]), Buffer.from('2J.example')]);
      await new Promise<void>((resolve) => {
        const socket = connect(a.port, '127.0.0.1', () =>
          socket.write(Buffer.concat([Buffer.from('GET / HTTP/1.1\r\nHost: '), host, Buffer.from('\r\nConnection: Upgrade\r\nUpgrade: websocket\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n')])),
        );
        socket.on('data', () => socket.end());
        socket.on('close', () => resolve());
      });
      await new Promise<void>((resolve) => {
        const ws = new WebSocket(`ws://127.0.0.1:${a.port}/`);
        ws.on('open', () => ws.send(JSON.stringify({ v: 1, type: '\u202egnp.exe\u009b2J\u001b]0;PWN\u0007' })));
        ws.on('close', () => resolve());
        ws.on('error', () => resolve());
      });
      const deadline = Date.now() + 5000;
      while (!/unknown message type/.test(a.log()) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
      const lines = a.log().split('\n');
      expect(lines.find((l) => /refused viewer/.test(l))).toMatch(/Host 'evil\?2j\.example' is not allowed/);
      expect(lines.find((l) => /unknown message type/.test(l))).toContain('?gnp.exe?2J');
      // eslint-disable-next-line no-control-regex -- the point: no control or bidi character in any line
      for (const line of lines) expect(line).not.toMatch(/[\x00-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]/);
    } finally {
      await a.stop();
    }
  });

  it('names a missing token file', async () => {
    const r = await runCli(['agent', '--token-file', '/nonexistent/token']);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/cannot read the token file \/nonexistent\/token/);
  });

  it('says which port is taken', async () => {
    const a = await startAgentProcess([]);
    try {
      const r = await runCli(['agent', '--listen', `127.0.0.1:${a.port}`]);
      expect(r.code).toBe(1);
      expect(r.stderr).toMatch(/port is in use/);
    } finally {
      await a.stop();
    }
  });
});
