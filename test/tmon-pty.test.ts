import { afterEach, describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readIndex } from '../src/store/recording-index.js';
import { startHostileProcess, type HostileProcess } from './helpers/hostile-process.js';
import { TmuxSession } from './helpers/tmux.js';
import { TMON_BIN } from './helpers/run-cli.js';

const ESC = '\u001b';

/** The built bin/tmon in a real pseudo-terminal: what a person sees after `npx tmon`. */
describe('bin/tmon in a real terminal', () => {
  let tmux: TmuxSession | undefined;
  afterEach(() => tmux?.kill());

  const command = `${process.execPath} ${TMON_BIN}`;
  const dashboardUp = (s: string): boolean => /CPU/.test(s) && /Spike/i.test(s) && /PID/.test(s);

  it.each([
    [80, 24],
    [250, 70],
  ])('draws the first frame at %ix%i and exits 0 on q, restoring the screen', async (cols, rows) => {
    tmux = new TmuxSession(cols, rows);
    tmux.start(command);
    await tmux.waitFor(dashboardUp);
    tmux.keys('q');
    const after = await tmux.waitFor((s) => /EXIT:\d+/.test(s));
    expect(after).toMatch(/EXIT:0/);
    // Back on the normal screen: the dashboard's panels are gone.
    expect(after).not.toMatch(/PID/);
  });

  it('exits 0 on Ctrl-C and restores the screen', async () => {
    tmux = new TmuxSession(100, 30);
    tmux.start(command);
    await tmux.waitFor(dashboardUp);
    tmux.keys('C-c');
    const after = await tmux.waitFor((s) => /EXIT:\d+/.test(s));
    expect(after).toMatch(/EXIT:0/);
    expect(after).not.toMatch(/PID/);
  });

  it('restores the screen on SIGTERM and exits 143', async () => {
    tmux = new TmuxSession(100, 30);
    tmux.start(command);
    await tmux.waitFor(dashboardUp);
    const shellPid = tmux.panePid();
    const tmonPid = Number(execFileSync('pgrep', ['-P', String(shellPid), '-f', 'tmon.js'], { encoding: 'utf8' }).trim());
    process.kill(tmonPid, 'SIGTERM');
    const after = await tmux.waitFor((s) => /EXIT:\d+/.test(s));
    expect(after).toMatch(/EXIT:143/);
    expect(after).not.toMatch(/PID/);
  });

  it('SIGHUP while recording (a dropped ssh session) still closes the recording with its index', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tmon-pty-'));
    const file = join(dir, 'hup.tmon');
    try {
      tmux = new TmuxSession(100, 30);
      tmux.start(`${command} --record ${file} --interval 200ms`);
      await tmux.waitFor(dashboardUp);
      await tmux.waitFor((s) => /rec .*hup\.tmon [1-9]/.test(s));
      const tmonPid = Number(execFileSync('pgrep', ['-P', String(tmux.panePid()), '-f', 'tmon.js'], { encoding: 'utf8' }).trim());
      process.kill(tmonPid, 'SIGHUP');
      expect(await tmux.waitFor((s) => /EXIT:\d+/.test(s))).toMatch(/EXIT:129/);
      const fd = openSync(file, 'r');
      try {
        const index = readIndex(fd, file);
        expect(index.source).toBe('trailer');
        expect(index.groups.length).toBeGreaterThan(0);
      } finally {
        closeSync(fd);
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('respects NO_COLOR', async () => {
    tmux = new TmuxSession(100, 30);
    tmux.start(command, { NO_COLOR: '1' });
    await tmux.waitFor(dashboardUp);
    // capture-pane -e keeps the escape sequences: no color SGR parameters may appear.
    const raw = tmux.rawScreen();
    const colorSgr = new RegExp(`${ESC}\\[[0-9;]*(3[0-7]|9[0-7]|4[0-7]|10[0-7]|38;|48;)[0-9;]*m`);
    expect(raw).not.toMatch(colorSgr);
    tmux.keys('q');
    await tmux.waitFor((s) => /EXIT:0/.test(s));
  });

  it('filters to a child the test started, shows the tree, and sends it SIGTERM through the confirmation', async () => {
    // A name no other process has: the test's own child, whatever else the machine runs.
    const comm = `tmonvic${process.pid % 100000}`;
    let victim: HostileProcess | undefined;
    try {
      victim = await startHostileProcess({ comm, args: [], holdMs: 120_000 });
      const pid = victim.pid;
      const ended = new Promise<NodeJS.Signals | null>((resolve) => victim?.child.on('exit', (_code, signal) => resolve(signal)));
      tmux = new TmuxSession(160, 40);
      tmux.start(command);
      await tmux.waitFor(dashboardUp);
      tmux.keys('/');
      tmux.keys('-l', comm);
      await tmux.waitFor((s) => new RegExp(`1 of \\d+ match "${comm}"`).test(s) && new RegExp(`\\b${pid} .*${comm}`).test(s));
      tmux.keys('Enter');
      tmux.keys('F5');
      const tree = await tmux.waitFor((s) => /Process tree by CPU/.test(s));
      expect(tree).toMatch(new RegExp(`\\b${pid} .*${comm}`));
      tmux.keys('k');
      await tmux.waitFor((s) => s.includes(`Enter sends SIGTERM to ${comm}[${pid}]`));
      tmux.keys('Enter');
      await tmux.waitFor((s) => s.includes(`sent SIGTERM to ${comm}[${pid}]`));
      expect(await ended).toBe('SIGTERM');
      tmux.keys('q');
      expect(await tmux.waitFor((s) => /EXIT:\d+/.test(s))).toMatch(/EXIT:0/);
    } finally {
      victim?.kill();
    }
  });
});
