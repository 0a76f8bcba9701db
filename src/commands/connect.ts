import { readFileSync } from 'node:fs';
import { parseCommandArgs } from '../cli-args.js';
import { UsageError, UserError, errorMessage } from '../core/errors.js';
import { RemoteSource } from '../transport/remote-source.js';
import { SAMPLING_OPTIONS, samplingSettings } from './shared-options.js';
import { REMOTE_OPTIONS, REMOTE_USAGE, remoteOptions } from './remote-options.js';
import type { TerminalIO } from '../ui/dashboard.js';
import { requireTerminal } from './dashboard.js';
import { HostFeed } from './host-feed.js';
import { startHostSession } from './host-session.js';
import { colorEnabled } from './shared-options.js';
import { untilClosed } from './terminal-guard.js';

const USAGE = `Usage: tmon connect HOST:PORT [HOST:PORT …] [options]

The dashboard of remote agents (tmon agent). One host opens its dashboard;
several open an overview (Enter opens a host, Esc returns). With one host,
H browses what its agent recorded (tmon agent --store), Esc returns to live.

${REMOTE_USAGE}  --hosts FILE         read more HOST:PORT targets from FILE (one per line, # comments)
  -i, --interval DUR   ask the agent to sample this fast while you watch (within its bounds)
  -n, --top N          processes in the table (default 15)
  spike thresholds: --cpu-threshold --cpu-margin --cpu-rise --mem-threshold --mem-margin --mem-rise (see tmon --help)
`;

export async function runConnect(argv: string[]): Promise<number> {
  const { values, positionals } = parseCommandArgs(
    'connect',
    argv,
    { ...SAMPLING_OPTIONS, ...REMOTE_OPTIONS, hosts: { type: 'string' } },
    true,
  );
  if (values['help'] === true) {
    process.stdout.write(USAGE);
    return 0;
  }
  const targets = [...positionals, ...(typeof values['hosts'] === 'string' ? readHostsFile(values['hosts']) : [])];
  if (targets.length === 0) throw new UsageError('name at least one agent: tmon connect HOST:PORT (see tmon connect --help)');
  const settings = samplingSettings(values);
  const remote = remoteOptions(values);
  requireTerminal();
  if (targets.length > 1) {
    const { runOverview } = await import('./overview.js');
    return runOverview(targets, settings, remote, values['interval'] !== undefined);
  }
  const source = new RemoteSource(targets[0] as string, remote);
  try {
    // A first connection that fails (auth, version, unreachable) ends the command with its one line.
    await source.ready();
  } catch (err) {
    await source.close();
    throw err;
  }
  if (values['interval'] !== undefined) source.setIntervalMs(settings.intervalMs);
  // The feed's session hub is the source's one consumer; the live and the stored-history screens read it in turn.
  const feed = new HostFeed(source, { thresholds: settings.thresholds });
  const session = startHostSession({
    io: { input: process.stdin, output: process.stdout as TerminalIO['output'] },
    feed,
    settings,
    color: colorEnabled(process.env),
  });
  await untilClosed(session, () => feed.close());
  return 0;
}

/** One target per line; blank lines and # comments ignored. */
export function readHostsFile(path: string): string[] {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new UserError(`cannot read --hosts ${path}: ${errorMessage(err)}`);
  }
  return text
    .split('\n')
    .map((line) => line.replace(/#.*/, '').trim())
    .filter((line) => line !== '');
}
