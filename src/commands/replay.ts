import { onlyPositional } from '../cli-args.js';
import { commandHelp, parseCommand } from '../cli-flags.js';
import { recordedAlerts } from '../analysis/alert-history.js';
import { replayView } from '../session/session-view.js';
import { startDashboard } from '../ui/dashboard.js';
import { REPLAY } from './command-flags.js';
import { colorEnabled } from './shared-options.js';
import { untilClosed } from './terminal-guard.js';
import { requireTerminal, screenConfig } from './dashboard.js';
import { openForCommand, tellWarnings } from './open-recording.js';
import { UserError } from '../core/errors.js';
import type { Recording } from '../store/recording-reader.js';

/** Places looked at for a readable sample: a few groups decoded, not the whole file. */
const PROBES = 8;

/** Whether a damaged recording has anything to show, judged from a few samples spread over it. */
function someSampleReads(recording: Recording): boolean {
  const n = recording.length;
  const probes = Math.min(PROBES, n);
  for (let p = 0; p < probes; p++) {
    if (recording.at(Math.floor((p * (n - 1)) / Math.max(1, probes - 1))) !== undefined) return true;
  }
  return false;
}

export async function runReplay(argv: string[]): Promise<number> {
  const args = parseCommand(REPLAY, argv);
  if (args.help) {
    process.stdout.write(commandHelp(REPLAY));
    return 0;
  }
  const { prefs } = screenConfig('replay', REPLAY, args);
  const path = onlyPositional('replay', args.positionals, 'the recording', 'FILE|DIR');
  const recording = await openForCommand(path);
  const told = recording.warnings.length;
  if (!someSampleReads(recording) && recording.warnings.length > 0) {
    tellWarnings(recording.warnings.slice(told));
    await recording.close();
    // The warnings above say why; a dashboard would only show an empty screen over them.
    throw new UserError(`${path} holds no readable samples`);
  }
  requireTerminal();
  const alertEvents = recording.alertEvents();
  const dashboard = startDashboard({
    view: replayView({ timeline: recording, spikes: recording.spikes() }),
    color: colorEnabled(process.env),
    prefs,
    ...(alertEvents.length > 0 ? { alerts: recordedAlerts(alertEvents) } : {}),
    status: () => (recording.length === 0 ? 'no samples' : ''),
  });
  await untilClosed(dashboard, () => recording.close());
  return 0;
}
