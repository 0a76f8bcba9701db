import { parseCommandArgs, numberOption, onlyPositional } from '../cli-args.js';
import { startDashboard } from '../ui/dashboard.js';
import { colorEnabled } from './shared-options.js';
import { untilClosed } from './terminal-guard.js';
import { requireTerminal } from './dashboard.js';
import { openForCommand } from './open-recording.js';

const USAGE = `Usage: tmon replay FILE|DIR [options]

Browses a recording (a file, or an agent's --store directory) in the dashboard,
starting at its first spike. Keys: ←/→ one sample, PgUp/PgDn one minute,
Shift+←/→ one hour, g go to a time, n/N next/previous spike, p play 1x/10x/60x,
Enter on a spike jumps to it, ? all keys.

  -n, --top N          processes in the table (default 15)
`;

export async function runReplay(argv: string[]): Promise<number> {
  const { values, positionals } = parseCommandArgs(
    'replay',
    argv,
    { top: { type: 'string', short: 'n' }, help: { type: 'boolean', short: 'h' } },
    true,
  );
  if (values['help'] === true) {
    process.stdout.write(USAGE);
    return 0;
  }
  const path = onlyPositional('replay', positionals, 'the recording', 'FILE|DIR');
  const top = numberOption('top', values['top'], 1, 500, 15);
  const recording = await openForCommand(path);
  requireTerminal();
  const dashboard = startDashboard({
    replay: { timeline: recording, spikes: recording.spikes() },
    top,
    color: colorEnabled(process.env),
    status: () => (recording.length === 0 ? 'no samples' : ''),
  });
  await untilClosed(dashboard, () => recording.close());
  return 0;
}
