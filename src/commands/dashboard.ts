import { parseCommand, type CommandSpec, type Flag, type FlagTable, type ParsedCommand } from '../cli-flags.js';
import { UserError } from '../core/errors.js';
import { createCollector } from '../collect/platform.js';
import { LiveSource } from '../collect/live-source.js';
import type { SessionHub } from '../session/session-hub.js';
import { liveHub, liveView } from '../session/session-view.js';
import { startDashboard, type ScreenPrefs } from '../ui/dashboard.js';
import { PANELS } from '../ui/panels/registry.js';
import type { ThemeName } from '../ui/theme.js';
import { tmonVersion } from '../version.js';
import { DASHBOARD } from './command-flags.js';
import { cgroupOption, colorEnabled, samplingSettings } from './shared-options.js';
import { untilClosed } from './terminal-guard.js';
import { procSignaller } from './process-signaller.js';
import { openFileRecorder, type SampleRecorder } from './recorder.js';
import { mainUsage } from './usage.js';
import { alertSetup, alertStatus, startBoardAlerting } from './alerting.js';
import { screenPrefFlags, screenPrefs } from './screen-prefs.js';
import { withConfig, type ConfigSection, type Configured } from './user-config.js';

export async function runDashboard(argv: string[]): Promise<number> {
  const args = parseCommand(DASHBOARD, argv);
  if (args.help) {
    process.stdout.write(mainUsage());
    return 0;
  }
  if (args.values.version) {
    process.stdout.write(`${tmonVersion()}\n`);
    return 0;
  }
  const { values, prefs } = screenConfig('dashboard', DASHBOARD, args);
  const settings = samplingSettings(values);
  const alertsWanted = alertSetup(values, undefined, 'dashboard-alert-state.json');
  requireTerminal();
  const collector = await createCollector({ intervalMs: settings.intervalMs, ...cgroupOption(values), probes: values.probe });
  const live = new LiveSource(collector, settings.intervalMs);
  const hub = liveHub(live, { top: settings.top, thresholds: settings.thresholds });
  const recordPath = values.record;
  const recorder = recordPath !== undefined ? await recordFromFirst(hub, recordPath, settings.intervalMs) : undefined;
  // The screen is the terminal: the alerts' log lines go to the alerts panel, what matters most to the status bar.
  const { alerting, board } = alertsWanted !== undefined ? startBoardAlerting(hub, alertsWanted, (e) => recorder?.addEvent(e)) : {};
  hub.start();
  const status = [recorder ? () => recorder.status() : undefined, alerting ? () => alertStatus(alerting) : undefined].filter((f) => f !== undefined);
  const dashboard = startDashboard({
    view: liveView(hub),
    color: colorEnabled(process.env),
    // Only here, on this machine's own dashboard, may the table signal processes.
    signals: procSignaller(),
    prefs,
    ...(board ? { alerts: board } : {}),
    ...(status.length > 0 ? { status: () => status.map((f) => f()).filter(Boolean).join(' │ ') } : {}),
  });
  await untilClosed(dashboard, async () => {
    await hub.close();
    await alerting?.close();
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

/**
 * A dashboard command's values with the config file under them, and the
 * dashboard preferences (theme, sort, panels) the file and --theme give.
 */
export function screenConfig<T extends FlagTable & { theme: Flag<ThemeName> }>(
  section: ConfigSection,
  spec: CommandSpec<T>,
  args: Extract<ParsedCommand<T>, { help: false }>,
): Configured<T> & { prefs: ScreenPrefs } {
  const optional = PANELS.filter((p) => p.toggle).map((p) => p.id);
  const configured = withConfig(section, spec, args, screenPrefFlags(optional));
  return { values: configured.values, raw: configured.raw, prefs: screenPrefs(configured.values) };
}

export function requireTerminal(): void {
  if (!process.stdout.isTTY || !process.stdin.isTTY) {
    throw new UserError('the dashboard needs a terminal; to collect without one use `tmon record FILE`');
  }
}
