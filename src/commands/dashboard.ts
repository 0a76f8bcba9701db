import { parseCommand } from '../cli-flags.js';
import { UserError } from '../core/errors.js';
import { createCollector } from '../collect/platform.js';
import { LiveSource } from '../collect/live-source.js';
import type { SessionHub } from '../session/session-hub.js';
import { liveHub, liveView } from '../session/session-view.js';
import { startDashboard } from '../ui/dashboard.js';
import { tmonVersion } from '../version.js';
import { DASHBOARD } from './command-flags.js';
import { capHeapGrowth } from './heap-growth.js';
import { cgroupOption, colorEnabled, samplingSettings } from './shared-options.js';
import { untilClosed } from './terminal-guard.js';
import { procSignaller } from './process-signaller.js';
import { openFileRecorder, type SampleRecorder } from './recorder.js';
import { mainUsage } from './usage.js';

export async function runDashboard(argv: string[]): Promise<number> {
  const args = parseCommand(DASHBOARD, argv);
  if (args.help) {
    process.stdout.write(mainUsage());
    return 0;
  }
  const { values } = args;
  if (values.version) {
    process.stdout.write(`${tmonVersion()}\n`);
    return 0;
  }
  const settings = samplingSettings(values);
  requireTerminal();
  capHeapGrowth();
  const collector = await createCollector({ intervalMs: settings.intervalMs, ...cgroupOption(values) });
  const live = new LiveSource(collector, settings.intervalMs);
  const hub = liveHub(live, { top: settings.top, thresholds: settings.thresholds });
  const recordPath = values.record;
  const recorder = recordPath !== undefined ? await recordFromFirst(hub, recordPath, settings.intervalMs) : undefined;
  hub.start();
  const dashboard = startDashboard({
    view: liveView(hub),
    color: colorEnabled(process.env),
    // Only here, on this machine's own dashboard, may the table signal processes.
    signals: procSignaller(),
    ...(recorder ? { status: () => recorder.status() } : {}),
  });
  await untilClosed(dashboard, async () => {
    await hub.close();
    await recorder?.close(hub.finishSpikes());
  });
  return 0;
}

/** A recorder into `path`, subscribed to the hub; the file's header needs the host's facts, which come with the first sample. */
async function recordFromFirst(hub: SessionHub, path: string, intervalMs: number): Promise<SampleRecorder> {
  let recorder: SampleRecorder;
  try {
    const first = await hub.first();
    recorder = openFileRecorder(path, { host: first.host, intervalMs });
  } catch (err) {
    await hub.close();
    throw err;
  }
  hub.subscribe((s, changed) => recorder.push(s, changed), undefined, 'recording');
  return recorder;
}

export function requireTerminal(): void {
  if (!process.stdout.isTTY || !process.stdin.isTTY) {
    throw new UserError('the dashboard needs a terminal; to collect without one use `tmon record FILE`');
  }
}
