import type { ChildProcess } from 'node:child_process';
import { rmSync } from 'node:fs';
import { memoryThresholdFlags } from './memory-level.js';
import { waitFor } from './notify-sinks.js';
import { startRecord } from './record-process.js';
import { runCli } from './run-cli.js';

const ATTEMPTS = 3;

/**
 * `tmon record FILE` at 500 ms with the bar a `mb`-megabyte rise crosses, while the child `startChild`
 * starts allocates: two seconds of baseline before it, three seconds at rest after it exits so the spike
 * closes inside the file. Returns the pid of the child a memory spike in the file names.
 *
 * A second copy of the suite on the machine may free hundreds of megabytes between the reading of
 * the level at rest and the allocation, leaving the child's rise under the bar: the recording is then
 * made again (up to three times, each time with the level read afresh), as a person would record
 * again. What is asserted is the test's own child named, never that the first try caught it.
 */
export async function recordMemorySpike(file: string, mb: number, startChild: () => Promise<ChildProcess>): Promise<number> {
  const tried: string[] = [];
  for (let attempt = 1; attempt <= ATTEMPTS; attempt++) {
    rmSync(file, { force: true });
    const rec = startRecord([file, '--interval', '500ms', ...(await memoryThresholdFlags(mb))]);
    await waitFor(
      () => {
        if (rec.child.exitCode !== null) throw new Error(`tmon record ended before recording: ${rec.log()}`);
        return /recording local to/.test(rec.log()) ? true : undefined;
      },
      30_000,
      'tmon record to start',
    );
    await new Promise((r) => setTimeout(r, 2000));
    const child = await startChild();
    if (child.exitCode === null && child.signalCode === null) await new Promise((resolve) => child.once('exit', resolve));
    await new Promise((r) => setTimeout(r, 3000));
    if ((await rec.stop('SIGINT')) !== 0 || !/recorded \d+ samples/.test(rec.log())) throw new Error(`tmon record failed: ${rec.log()}`);
    const spikes = await runCli(['spikes', file, '--json']);
    const named = spikes.stdout
      .trim()
      .split('\n')
      .filter((l) => l !== '')
      .map((l) => JSON.parse(l) as { metric: string; culprits: { pid: number }[] })
      .some((s) => s.metric === 'memory' && s.culprits.some((c) => c.pid === child.pid));
    if (named) return child.pid ?? 0;
    tried.push(`attempt ${attempt}: ${spikes.stdout.trim() || 'no spike'}`);
  }
  throw new Error(`no memory spike named the child in ${ATTEMPTS} recordings:\n${tried.join('\n')}`);
}
