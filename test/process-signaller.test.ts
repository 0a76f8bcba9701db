import { afterEach, describe, expect, it } from 'vitest';
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { LinuxCollector } from '../src/collect/linux-collector.js';
import { procSignaller } from '../src/commands/process-signaller.js';
import type { ProcessStats } from '../src/core/sample.js';

/**
 * The local dashboard's signaller on the real /proc: the test's own child is
 * found by the real collector, as the table shows it, then signalled.
 */
const children: ChildProcess[] = [];
afterEach(() => {
  for (const c of children.splice(0)) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
});

function sleeper(): { child: ChildProcess; exited: Promise<NodeJS.Signals | null> } {
  const child = spawn('sleep', ['600'], { stdio: 'ignore' });
  children.push(child);
  return { child, exited: new Promise((resolve) => child.on('exit', (_code, signal) => resolve(signal))) };
}

/** The child as the collector's sample has it (its start time is what the table keeps). */
async function asSampled(pid: number): Promise<ProcessStats> {
  const collector = await LinuxCollector.create({ fastWatch: false });
  try {
    const p = (await collector.sample()).processes.find((x) => x.pid === pid);
    if (!p) throw new Error(`pid ${pid} not in the sample`);
    return p;
  } finally {
    collector.close();
  }
}

describe('process signaller', () => {
  it('sends the chosen signal to the exact process the sample showed', async () => {
    const { child, exited } = sleeper();
    const p = await asSampled(child.pid ?? 0);
    expect(procSignaller().send(p, 'TERM')).toEqual({ kind: 'sent' });
    expect(await exited).toBe('SIGTERM');
  });

  it('sends nothing when the pid now has another start time (a reused pid)', async () => {
    const { child } = sleeper();
    const p = await asSampled(child.pid ?? 0);
    expect(procSignaller().send({ pid: p.pid, startTime: p.startTime - 10 }, 'KILL')).toEqual({ kind: 'reused' });
    // Still running: give a misdirected signal a moment to land, then look.
    await new Promise((r) => setTimeout(r, 100));
    expect(child.exitCode).toBeNull();
    expect(child.signalCode).toBeNull();
  });

  it('says the process is gone once it has exited and been reaped (ESRCH)', async () => {
    const { child, exited } = sleeper();
    const p = await asSampled(child.pid ?? 0);
    child.kill('SIGKILL');
    await exited;
    expect(procSignaller().send(p, 'TERM')).toEqual({ kind: 'gone' });
  });

  it('reports EPERM for another user’s process', async () => {
    const { child } = sleeper();
    const p = await asSampled(child.pid ?? 0);
    if (process.getuid?.() !== 0) {
      // Not root: pid 1 belongs to root. SIGCONT changes nothing even if it went.
      const init = await asSampled(1);
      expect(procSignaller().send(init, 'CONT')).toEqual({ kind: 'denied' });
      return;
    }
    // Root may signal anything: the built signaller runs as nobody against the test's root-owned child.
    const built = fileURLToPath(new URL('../dist/commands/process-signaller.js', import.meta.url));
    const script = `import { procSignaller } from ${JSON.stringify(built)}; process.stdout.write(JSON.stringify(procSignaller().send(${JSON.stringify({ pid: p.pid, startTime: p.startTime })}, 'TERM')));`;
    const out = await new Promise<string>((resolve, reject) => {
      const node = spawn(process.execPath, ['--input-type=module', '-e', script], { uid: 65534, gid: 65534, stdio: ['ignore', 'pipe', 'pipe'] });
      let text = '';
      let err = '';
      node.stdout.on('data', (d: Buffer) => (text += d.toString()));
      node.stderr.on('data', (d: Buffer) => (err += d.toString()));
      node.on('error', reject);
      node.on('close', () => (text ? resolve(text) : reject(new Error(err))));
    });
    expect(JSON.parse(out)).toEqual({ kind: 'denied' });
    expect(child.exitCode).toBeNull();
  });
});

describe('process signaller without procfs', () => {
  it('sends nothing when it cannot check the process is the same one', () => {
    const sent: number[] = [];
    const signaller = procSignaller('/nonexistent-proc', (pid) => sent.push(pid));
    expect(signaller.send({ pid: process.pid, startTime: 0 }, 'TERM')).toEqual({ kind: 'failed', message: 'cannot read /nonexistent-proc/stat to check it is the same process' });
    expect(sent).toEqual([]);
  });
});
