/**
 * `tmon connect a:7654 b:7654 …`: the overview of several agents, and on Enter
 * a host's session as `tmon connect HOST:PORT` has it (live dashboard, H for
 * its stored history). One screen exists at a time: the overview's is
 * destroyed when a host is opened, and made again when Esc goes back. The
 * hosts' feeds outlive both, so nothing received meanwhile is lost.
 */
import { RemoteSource, type RemoteSourceOptions } from '../transport/remote-source.js';
import { startOverview } from '../ui/overview.js';
import type { ScreenPrefs } from '../ui/dashboard.js';
import type { TerminalIO } from '../ui/screen.js';
import { HostFeed, type LinkedSource } from './host-feed.js';
import { startHostSession, type HostSessionExit } from './host-session.js';
import type { ArchiveLink } from './remote-archive.js';
import { colorEnabled, type SamplingSettings } from './shared-options.js';
import { untilClosed } from './terminal-guard.js';
import { screenSequence } from './screen-sequence.js';

export async function runOverview(
  targets: string[],
  settings: SamplingSettings,
  remote: RemoteSourceOptions,
  askInterval: boolean,
  prefs: ScreenPrefs,
): Promise<number> {
  const feeds = openFeeds(targets, remote, settings);
  const session = startOverviewSession({
    io: { input: process.stdin, output: process.stdout as TerminalIO['output'] },
    feeds,
    settings,
    color: colorEnabled(process.env),
    prefs,
    ...(askInterval ? { watchIntervalMs: settings.intervalMs } : {}),
  });
  await untilClosed(session, async () => {
    await Promise.all(feeds.map((f) => f.close()));
  });
  return 0;
}

/** A feed per target; a target that does not parse closes the ones already connecting before its error goes up. */
function openFeeds(targets: readonly string[], remote: RemoteSourceOptions, settings: SamplingSettings): HostFeed<RemoteSource>[] {
  const feeds: HostFeed<RemoteSource>[] = [];
  try {
    for (const t of targets) feeds.push(new HostFeed(new RemoteSource(t, remote), { thresholds: settings.thresholds }));
  } catch (err) {
    for (const f of feeds) void f.close();
    throw err;
  }
  return feeds;
}

export interface OverviewSessionOptions {
  io: TerminalIO;
  feeds: readonly HostFeed<LinkedSource & ArchiveLink>[];
  settings: SamplingSettings;
  color: boolean;
  /** The dashboards' theme, sort and panels (config file, --theme). */
  prefs?: ScreenPrefs;
  /** Ask the opened host's agent to sample this fast while it is open, stored history included (connect --interval). */
  watchIntervalMs?: number;
}

export interface OverviewSession {
  /** Resolves when the person quits, from the overview or from a host's dashboard. */
  readonly done: Promise<void>;
  /** Restores the terminal, whichever screen is up; idempotent; safe from signal handlers. */
  destroy(): void;
}

/** The overview and the host dashboards it opens, in turn on one terminal, until the person quits. */
export function startOverviewSession(opts: OverviewSessionOptions): OverviewSession {
  return screenSequence(async (turns) => {
    /** One host's session (live dashboard, stored history on H) over its feed; how it ended. */
    const showHost = async (feed: HostFeed<LinkedSource & ArchiveLink>): Promise<HostSessionExit> => {
      if (opts.watchIntervalMs !== undefined) feed.source.setIntervalMs?.(opts.watchIntervalMs);
      const host = startHostSession({
        io: opts.io,
        feed,
        settings: opts.settings,
        color: opts.color,
        ...(opts.prefs ? { prefs: opts.prefs } : {}),
        backOnEscape: true,
        // The way back first: a long link error is cut at the right edge.
        status: () => 'Esc all hosts',
      });
      try {
        return await turns.show(host);
      } finally {
        // The agent returns to its own rate once nobody looks closely.
        if (opts.watchIntervalMs !== undefined) feed.source.setIntervalMs?.(null);
      }
    };

    let selected = 0;
    while (!turns.destroyed) {
      const exit = await turns.show(startOverview({ io: opts.io, hosts: opts.feeds, color: opts.color, ...themeOf(opts.prefs), selected }));
      if (turns.destroyed || exit.kind === 'quit') return;
      selected = exit.index;
      const feed = opts.feeds[exit.index];
      if (!feed || (await showHost(feed)) === 'quit') return;
    }
  });
}

/** The overview's theme: the dashboards' (the overview has no table or panels to prefer). */
function themeOf(prefs: ScreenPrefs | undefined): { theme?: NonNullable<ScreenPrefs['theme']> } {
  return prefs?.theme ? { theme: prefs.theme } : {};
}
