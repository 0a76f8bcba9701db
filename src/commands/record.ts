import { statSync } from 'node:fs';
import { onlyPositional } from '../cli-args.js';
import { commandHelp, parseCommand } from '../cli-flags.js';
import type { SampleSource } from '../core/source.js';
import { formatBytes } from '../core/units.js';
import { sanitize } from '../core/sanitize.js';
import { createCollector } from '../collect/platform.js';
import { LiveSource } from '../collect/live-source.js';
import { RemoteSource } from '../transport/remote-source.js';
import { SessionHub } from '../session/session-hub.js';
import { RECORD } from './command-flags.js';
import { cgroupOption, thresholdOverrides } from './shared-options.js';
import { withConfig } from './user-config.js';
import { UsageError } from '../core/errors.js';
import { remoteOptions } from './remote-options.js';
import { openFileRecorder } from './recorder.js';
import { alertSetup, recordStateName, startAlerting } from './alerting.js';

export async function runRecord(argv: string[]): Promise<number> {
  const args = parseCommand(RECORD, argv);
  if (args.help) {
    process.stdout.write(commandHelp(RECORD));
    return 0;
  }
  const { positionals } = args;
  const { values } = withConfig('record', RECORD, args);
  const file = onlyPositional('record', positionals, 'the file to record to', 'FILE');
  const intervalMs = values.interval;
  const thresholds = thresholdOverrides(values);
  const durationMs = values.duration ?? Infinity;
  const from = values.from;
  const alertsWanted = alertSetup(values, undefined, recordStateName(file));

  let origin: SampleSource;
  if (from !== undefined && values.probe.length > 0) throw new UsageError('--probe probes from this machine: with --from, give --probe to the agent instead');
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
    origin = new LiveSource(await createCollector({ intervalMs, ...cgroupOption(values), probes: values.probe }), intervalMs);
  }

  // No screen: the samples only pass through the hub, to its detector and the recorder.
  const hub = new SessionHub(origin, { history: undefined, thresholds });
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
    // After the recorder: a transition is stored after the sample that decided it.
    const log = (line: string): void => void process.stderr.write(`tmon: ${sanitize(line, 2000)}\n`);
    const alerting = alertsWanted !== undefined ? startAlerting(hub, alertsWanted, log, (e) => recorder.addEvent(e)) : undefined;
    try {
      await hub.start().ended();
    } finally {
      // A source that fails still leaves a closed recording, its open spikes and index written.
      await alerting?.close();
      await recorder.close(hub.finishSpikes());
    }
    process.stderr.write(`tmon: recorded ${samples} sample${samples === 1 ? '' : 's'} to ${sanitize(file)} (${formatBytes(statSync(file).size)})\n`);
  } finally {
    if (timer) clearTimeout(timer);
    for (const s of ['SIGTERM', 'SIGINT', 'SIGHUP'] as const) process.off(s, onSignal);
    await hub.close();
  }
  return 0;
}
