import { statSync } from 'node:fs';
import { parseCommandArgs, durationOption, onlyPositional } from '../cli-args.js';
import type { SampleSource } from '../core/source.js';
import { formatBytes } from '../core/units.js';
import { sanitize } from '../core/sanitize.js';
import { createCollector } from '../collect/platform.js';
import { LiveSource } from '../collect/live-source.js';
import { RemoteSource } from '../transport/remote-source.js';
import { SessionHub } from '../session/session-hub.js';
import { COLLECTOR_OPTIONS, THRESHOLD_OPTIONS, cgroupOption, samplingSettings } from './shared-options.js';
import { REMOTE_OPTIONS, REMOTE_USAGE, remoteOptions } from './remote-options.js';
import { openFileRecorder } from './recorder.js';

const USAGE = `Usage: tmon record FILE [options]

Records samples (and the spikes found in them) to FILE without a screen,
from this machine or from an agent. Recording into an existing recording of
the same host continues it. Stop with Ctrl-C or SIGTERM.

  --from HOST:PORT     record from an agent (its history first) instead of this machine
  --duration DUR       stop after this long (e.g. 1h, 30m)
  -i, --interval DUR   sampling interval here (default 1s)
  --cgroup PATH        watch this memory cgroup instead of tmon's own (see tmon --help)
${REMOTE_USAGE}  spike thresholds: --cpu-threshold --cpu-margin --cpu-rise --mem-threshold --mem-margin --mem-rise (see tmon --help)
`;

export async function runRecord(argv: string[]): Promise<number> {
  const { values, positionals } = parseCommandArgs(
    'record',
    argv,
    { ...THRESHOLD_OPTIONS, ...COLLECTOR_OPTIONS, interval: { type: 'string', short: 'i' }, ...REMOTE_OPTIONS, from: { type: 'string' }, duration: { type: 'string' } },
    true,
  );
  if (values['help'] === true) {
    process.stdout.write(USAGE);
    return 0;
  }
  const file = onlyPositional('record', positionals, 'the file to record to', 'FILE');
  const settings = samplingSettings(values);
  const durationMs =
    values['duration'] === undefined ? Infinity : durationOption('duration', values['duration'], 1000, 365 * 86_400_000, 0);
  const from = values['from'];

  let origin: SampleSource;
  if (typeof from === 'string') {
    const remote = new RemoteSource(from, remoteOptions(values));
    try {
      await remote.ready();
    } catch (err) {
      await remote.close();
      throw err;
    }
    origin = remote;
  } else {
    origin = new LiveSource(await createCollector({ intervalMs: settings.intervalMs, ...cgroupOption(values) }), settings.intervalMs);
  }

  // No screen: the samples only pass through the hub, to its detector and the recorder.
  const hub = new SessionHub(origin, { history: undefined, thresholds: settings.thresholds });
  let stop = (): void => undefined;
  const stopped = new Promise<void>((resolve) => (stop = resolve));
  const onSignal = (): void => stop();
  for (const s of ['SIGTERM', 'SIGINT', 'SIGHUP'] as const) process.once(s, onSignal);
  const timer = Number.isFinite(durationMs) ? setTimeout(stop, durationMs) : undefined;
  void stopped.then(() => hub.close());

  let samples = 0;
  try {
    // The file's header needs the host's facts, which come with the first sample.
    const first = await hub.first();
    const recorder = openFileRecorder(file, { host: first.host, intervalMs: first.intervalMs }, (msg) =>
      process.stderr.write(`tmon: ${sanitize(msg)}\n`),
    );
    process.stderr.write(`tmon: ${sanitize(`recording ${origin.label} to ${file}`)}; Ctrl-C stops\n`);
    hub.subscribe((sample, changed) => {
      recorder.push(sample, changed);
      samples++;
    });
    await hub.start().ended();
    await recorder.close(hub.spikes());
    process.stderr.write(`tmon: recorded ${samples} samples to ${sanitize(file)} (${formatBytes(statSync(file).size)})\n`);
  } finally {
    if (timer) clearTimeout(timer);
    for (const s of ['SIGTERM', 'SIGINT', 'SIGHUP'] as const) process.off(s, onSignal);
    await hub.close();
  }
  return 0;
}
