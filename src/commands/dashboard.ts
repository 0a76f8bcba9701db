import { parseCommand } from '../cli-flags.js';
import { UserError } from '../core/errors.js';
import type { SampleSource } from '../core/source.js';
import { createCollector } from '../collect/platform.js';
import { LiveSource } from '../collect/live-source.js';
import { startDashboard } from '../ui/dashboard.js';
import { tmonVersion } from '../version.js';
import { DASHBOARD } from './command-flags.js';
import { cgroupOption, colorEnabled, samplingSettings, type SamplingSettings } from './shared-options.js';
import { untilClosed } from './terminal-guard.js';
import { openFileRecorder, type SampleRecorder } from './recorder.js';
import { peekFirst } from './peek-source.js';
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
  const collector = await createCollector({ intervalMs: settings.intervalMs, ...cgroupOption(values) });
  const live = new LiveSource(collector, settings.intervalMs);
  const recordPath = values.record;
  if (recordPath === undefined) {
    await watch(live, settings);
    return 0;
  }
  try {
    const { first, source } = await peekFirst(live);
    const recorder = openFileRecorder(recordPath, { host: first.host, intervalMs: settings.intervalMs }, settings.thresholds);
    await watch(source, settings, { recorder });
  } catch (err) {
    await live.close();
    throw err;
  }
  return 0;
}

/** The dashboard over any source, with the terminal guarded on every exit path. */
export async function watch(
  source: SampleSource,
  settings: SamplingSettings,
  extras: { recorder?: SampleRecorder; status?: () => string } = {},
): Promise<void> {
  const { recorder, status } = extras;
  const dashboard = startDashboard({
    source,
    top: settings.top,
    thresholds: settings.thresholds,
    color: colorEnabled(process.env),
    ...(recorder ? { onSample: (s) => recorder.push(s) } : {}),
    status: () => [status?.(), recorder?.status()].filter((t) => t).join('  '),
  });
  await untilClosed(dashboard, async () => {
    await source.close();
    await recorder?.close();
  });
}

export function requireTerminal(): void {
  if (!process.stdout.isTTY || !process.stdin.isTTY) {
    throw new UserError('the dashboard needs a terminal; to collect without one use `tmon record FILE`');
  }
}
