import { afterEach, describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readIndex } from '../src/store/recording-index.js';
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
});
