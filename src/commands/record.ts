import { statSync } from 'node:fs';
import { onlyPositional } from '../cli-args.js';
import { commandHelp, parseCommand } from '../cli-flags.js';
import type { SampleSource } from '../core/source.js';
import { formatBytes } from '../core/units.js';
import { sanitize } from '../core/sanitize.js';
import { createCollector } from '../collect/platform.js';
import { LiveSource } from '../collect/live-source.js';
import { RemoteSource } from '../transport/remote-source.js';
import { RECORD } from './command-flags.js';
import { cgroupOption, thresholdOverrides } from './shared-options.js';
import { remoteOptions } from './remote-options.js';
import { peekFirst } from './peek-source.js';
import { openFileRecorder } from './recorder.js';

export async function runRecord(argv: string[]): Promise<number> {
  const args = parseCommand(RECORD, argv);
  if (args.help) {
    process.stdout.write(commandHelp(RECORD));
    return 0;
  }
  const { values, positionals } = args;
  const file = onlyPositional('record', positionals, 'the file to record to', 'FILE');
  const intervalMs = values.interval;
  const thresholds = thresholdOverrides(values);
  const durationMs = values.duration ?? Infinity;
  const from = values.from;

  let origin: SampleSource;
  if (from !== undefined) {
    const remote = new RemoteSource(from, remoteOptions(values));
    try {
      await remote.ready();
    } catch (err) {
      await remote.close();
      throw err;
    }
    origin = remote;
  } else {
    origin = new LiveSource(await createCollector({ intervalMs, ...cgroupOption(values) }), intervalMs);
  }

  let stop = (): void => undefined;
  const stopped = new Promise<void>((resolve) => (stop = resolve));
  const onSignal = (): void => stop();
  for (const s of ['SIGTERM', 'SIGINT', 'SIGHUP'] as const) process.once(s, onSignal);
  const timer = Number.isFinite(durationMs) ? setTimeout(stop, durationMs) : undefined;
  void stopped.then(() => origin.close());

  let samples = 0;
  try {
    const { first, source } = await peekFirst(origin);
    const recorder = openFileRecorder(file, { host: first.host, intervalMs: first.intervalMs }, thresholds, (msg) =>
      process.stderr.write(`tmon: ${sanitize(msg)}\n`),
    );
    process.stderr.write(`tmon: ${sanitize(`recording ${origin.label} to ${file}`)}; Ctrl-C stops\n`);
    for await (const sample of source.samples()) {
      recorder.push(sample);
      samples++;
    }
    await recorder.close();
    process.stderr.write(`tmon: recorded ${samples} samples to ${sanitize(file)} (${formatBytes(statSync(file).size)})\n`);
  } finally {
    if (timer) clearTimeout(timer);
    for (const s of ['SIGTERM', 'SIGINT', 'SIGHUP'] as const) process.off(s, onSignal);
    await origin.close();
  }
  return 0;
}
