import { spawn } from 'node:child_process';
import { rmSync } from 'node:fs';
import { memoryThresholdFlags } from './memory-level.js';
import { runCli, TMON_BIN } from './run-cli.js';

/** A child the test started to make a memory spike: its pid, and when it has exited. */
export interface SpikeChild {
  pid: number;
  exited: Promise<unknown>;
}

const ATTEMPTS = 3;

/**
 * `tmon record FILE` at 500 ms with the bar a `mb`-megabyte rise crosses, while `startChild`
 * allocates: two seconds of baseline before it, three seconds at rest after it exits so the spike
 * closes inside the file. Returns the pid of the child a memory spike in the file names.
 *
 * A second copy of the suite on the machine may free hundreds of megabytes between the reading of
 * the level at rest and the allocation, leaving the child's rise under the bar: the recording is then
 * made again (up to three times, each time with the level read afresh), as a person would record
 * again. What is asserted is the test's own child named, never that the first try caught it.
 */
export async function recordMemorySpike(file: string, mb: number, startChild: () => Promise<SpikeChild>): Promise<number> {
  const tried: string[] = [];
  for (let attempt = 1; attempt <= ATTEMPTS; attempt++) {
    rmSync(file, { force: true });
    const recorder = spawn(process.execPath, [TMON_BIN, 'record', file, '--interval', '500ms', ...(await memoryThresholdFlags(mb))], {
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    recorder.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const code = new Promise<number | null>((resolve) => recorder.on('exit', resolve));
    while (!/recording local to/.test(stderr)) {
      if (recorder.exitCode !== null) throw new Error(`tmon record ended before recording: ${stderr}`);
      await new Promise((r) => setTimeout(r, 50));
    }
    await new Promise((r) => setTimeout(r, 2000));
    const child = await startChild();
    await child.exited;
    await new Promise((r) => setTimeout(r, 3000));
    recorder.kill('SIGINT');
    if ((await code) !== 0 || !/recorded \d+ samples/.test(stderr)) throw new Error(`tmon record failed: ${stderr}`);
    const spikes = await runCli(['spikes', file, '--json']);
    const named = spikes.stdout
      .trim()
      .split('\n')
      .filter((l) => l !== '')
      .map((l) => JSON.parse(l) as { metric: string; culprits: { pid: number }[] })
      .some((s) => s.metric === 'memory' && s.culprits.some((c) => c.pid === child.pid));
    if (named) return child.pid;
    tried.push(`attempt ${attempt}: ${spikes.stdout.trim() || 'no spike'}`);
  }
  throw new Error(`no memory spike named the child in ${ATTEMPTS} recordings:\n${tried.join('\n')}`);
}
