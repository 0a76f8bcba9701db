import { existsSync } from 'node:fs';
import { sanitize } from '../core/sanitize.js';
import { onlyPositional } from '../cli-args.js';
import { commandHelp, parseCommand, type FlagValues } from '../cli-flags.js';
import type { Spike } from '../core/spike.js';
import { detectSpikes } from '../analysis/spike-detector.js';
import { spikesToJson, spikesToText } from '../store/export-format.js';
import { RECORDING_SUFFIX } from '../store/recording-reader.js';
import { RemoteSource } from '../transport/remote-source.js';
import { HISTORY_END } from '../protocol/wire-messages.js';
import { mergeSpikeLists } from './remote-archive.js';
import { SPIKES } from './command-flags.js';
import { remoteOptions } from './remote-options.js';
import { thresholdOverrides } from './shared-options.js';
import { openForCommand } from './open-recording.js';

export async function runSpikes(argv: string[]): Promise<number> {
  const args = parseCommand(SPIKES, argv);
  if (args.help) {
    process.stdout.write(commandHelp(SPIKES));
    return 0;
  }
  const { values, positionals } = args;
  const where = onlyPositional('spikes', positionals, 'a recording or an agent', 'FILE|DIR|HOST:PORT');
  const from = values.since !== undefined ? Date.now() - values.since : -Infinity;

  const spikes = looksLikePath(where) ? await fromRecording(where) : await fromAgent(where, values, from);
  const shown = spikes.filter((s) => s.start >= from);
  process.stdout.write(values.json ? spikesToJson(shown) : spikesToText(shown));
  return 0;
}

/** A ws:// or wss:// URL is an agent; so is anything that is not a path that exists or names a file or directory by its shape. */
export function looksLikePath(where: string): boolean {
  if (/^wss?:\/\//i.test(where)) return false;
  return existsSync(where) || where.includes('/') || where.endsWith(RECORDING_SUFFIX) || !/:\d+$|^wss?:/.test(where);
}

async function fromRecording(path: string): Promise<Spike[]> {
  const recording = await openForCommand(path);
  try {
    return recording.spikes();
  } finally {
    await recording.close();
  }
}

/**
 * An agent's spikes: those its store recorded (with --store), and those found in
 * the samples it holds in memory the way a viewer would find them.
 */
async function fromAgent(target: string, values: FlagValues<typeof SPIKES.flags>, from: number): Promise<Spike[]> {
  const source = new RemoteSource(target, remoteOptions(values));
  try {
    await source.ready();
    const start = Number.isFinite(from) ? from : 0;
    const inMemory = detectSpikes(await source.requestHistory(start, HISTORY_END), thresholdOverrides(values));
    if (!source.archive) return inMemory;
    const stored = await source.requestSpikes(start, HISTORY_END);
    // The agent says what the problem is: its words are sanitised like any peer's.
    if (stored.problem) process.stderr.write(`tmon: warning: ${sanitize(`${target}: its store could not be read: ${stored.problem}`, 2000)}\n`);
    return mergeSpikeLists(stored.spikes, inMemory);
  } finally {
    await source.close();
  }
}
