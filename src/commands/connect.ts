import { readFileSync } from 'node:fs';
import { commandHelp, parseCommand } from '../cli-flags.js';
import { UsageError, UserError, errorMessage } from '../core/errors.js';
import { RemoteSource } from '../transport/remote-source.js';
import { CONNECT } from './command-flags.js';
import { colorEnabled, samplingSettings } from './shared-options.js';
import { remoteOptions } from './remote-options.js';
import type { TerminalIO } from '../ui/dashboard.js';
import { requireTerminal, screenConfig } from './dashboard.js';
import { HostFeed } from './host-feed.js';
import { startHostSession } from './host-session.js';
import { untilClosed } from './terminal-guard.js';

export async function runConnect(argv: string[]): Promise<number> {
  const args = parseCommand(CONNECT, argv);
  if (args.help) {
    process.stdout.write(commandHelp(CONNECT));
    return 0;
  }
  const { positionals } = args;
  const { values, raw, prefs } = screenConfig('connect', CONNECT, args);
  // Without --interval the agents keep their own.
  const askInterval = raw['interval'] !== undefined;
  const targets = [...positionals, ...(values.hosts !== undefined ? readHostsFile(values.hosts) : [])];
  if (targets.length === 0) throw new UsageError('name at least one agent: tmon connect HOST:PORT (see tmon connect --help)');
  const settings = samplingSettings(values);
  const remote = remoteOptions(values);
  requireTerminal();
  if (targets.length > 1) {
    const { runOverview } = await import('./overview.js');
    return runOverview(targets, settings, remote, askInterval, prefs);
  }
  const source = new RemoteSource(targets[0] as string, remote);
  try {
    // A first connection that fails (auth, version, unreachable) ends the command with its one line.
    await source.ready();
  } catch (err) {
    await source.close();
    throw err;
  }
  if (askInterval) source.setIntervalMs(settings.intervalMs);
  // The feed's session hub is the source's one consumer; the live and the stored-history screens read it in turn.
  const feed = new HostFeed(source, { thresholds: settings.thresholds });
  const session = startHostSession({
    io: { input: process.stdin, output: process.stdout as TerminalIO['output'] },
    feed,
    settings,
    color: colorEnabled(process.env),
    prefs,
  });
  await untilClosed(session, () => feed.close());
  return 0;
}

/** One target per line; blank lines and # comments ignored. */
function readHostsFile(path: string): string[] {
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
