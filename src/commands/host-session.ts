/**
 * `tmon connect HOST:PORT`: one host's live dashboard, and on `H` its agent's
 * stored history in the replay dashboard, Esc back to live. One screen exists
 * at a time; the host's feed (its session hub) outlives both, so the live view comes back with
 * nothing missed.
 */
import { firingStatus } from '../analysis/alert-board.js';
import { followView, replayView } from '../session/session-view.js';
import { startDashboard, type DashboardExit, type ScreenPrefs, type TerminalIO } from '../ui/dashboard.js';
import type { HostFeed, LinkedSource } from './host-feed.js';
import { linkStatus } from './link-status.js';
import { openStoredHistory, type ArchiveLink, type StoredHistory } from './remote-archive.js';
import { screenSequence } from './screen-sequence.js';
import type { SamplingSettings } from './shared-options.js';

export interface HostSessionOptions {
  io: TerminalIO;
  feed: HostFeed<LinkedSource & ArchiveLink>;
  settings: SamplingSettings;
  color: boolean;
  /** The dashboards' theme, sort and panels (config file, --theme). */
  prefs?: ScreenPrefs;
  /** Esc on the live dashboard ends the session with 'back' (the overview opened this host). */
  backOnEscape?: boolean;
  /** The caller's text first in the live dashboard's status bar, e.g. "Esc all hosts". */
  status?: () => string;
}

/** 'back': Esc on the live dashboard (backOnEscape); 'quit': the person quit, or destroy(). */
export type HostSessionExit = 'quit' | 'back';

export interface HostSession {
  /** Resolves when the person quits, or leaves the live dashboard with Esc (backOnEscape). */
  readonly done: Promise<HostSessionExit>;
  /** Restores the terminal, whichever screen is up; idempotent; safe from signal handlers. */
  destroy(): void;
}

export function startHostSession(opts: HostSessionOptions): HostSession {
  const { feed } = opts;
  return screenSequence(async (turns) => {
    /** The live dashboard until the person quits, or H has loaded the stored history to show instead. */
    const showLive = async (): Promise<{ exit: DashboardExit; stored?: StoredHistory }> => {
      // Everything the hub holds, then live; the spikes are the hub's own.
      const view = followView(feed.hub, { top: opts.settings.top });
      let stored: StoredHistory | undefined;
      const dashboard = startDashboard({
        io: opts.io,
        view,
        color: opts.color,
        ...(opts.prefs ? { prefs: opts.prefs } : {}),
        ...(opts.backOnEscape === true ? { backOnEscape: true } : {}),
        alerts: feed.alerts,
        // The link state first: a narrow terminal cuts the status bar's end, never a dead link's word; then the agent's alerts as a local dashboard shows its own.
        status: () => [linkStatus(feed), firingStatus(feed.alerts.firing), opts.status?.() ?? '', feed.source.archive ? 'H stored history' : ''].filter(Boolean).join('  '),
        // The dashboard says "loading…" meanwhile, and shows why when this rejects.
        onStoredHistory: async () => {
          const oldestLive = feed.history.timeAt(0);
          const newestLive = feed.history.timeAt(feed.history.length - 1);
          stored = await openStoredHistory(feed.source, {
            liveSpikes: feed.spikes(),
            ...(oldestLive !== undefined ? { oldestLive } : {}),
            ...(newestLive !== undefined ? { newestLive } : {}),
          });
          dashboard.replace();
        },
      });
      // A link going down brings no sample: redraw so the status bar says so at once. (Samples redraw
      // through the view; the feed's every-sample change would draw each one twice.)
      const stopWatching = feed.source.onState(() => dashboard.refresh());
      try {
        const exit = await turns.show(dashboard);
        return stored && exit === 'replaced' ? { exit, stored } : { exit };
      } finally {
        stopWatching();
        await view.close();
      }
    };

    /** The stored history in the replay dashboard, until Esc (back) or quit. */
    const showStored = async (stored: StoredHistory): Promise<DashboardExit> => {
      const dashboard = startDashboard({
        io: opts.io,
        view: replayView({ timeline: stored.timeline, spikes: stored.spikes, cursor: stored.cursor, window: stored.window }),
        color: opts.color,
        ...(opts.prefs ? { prefs: opts.prefs } : {}),
        backOnEscape: true,
        // The way back and the link state first; a long link error is cut at the right edge.
        status: () => ['Esc live', linkStatus(feed), `stored history of ${feed.label}`].filter(Boolean).join('  '),
      });
      // Only the link's state shows here: nothing to redraw for each live sample.
      const stopWatching = feed.source.onState(() => dashboard.refresh());
      try {
        return await turns.show(dashboard);
      } finally {
        stopWatching();
      }
    };

    while (!turns.destroyed) {
      const live = await showLive();
      if (turns.destroyed) return 'quit';
      if (!live.stored) return live.exit === 'back' ? 'back' : 'quit';
      if ((await showStored(live.stored)) !== 'back') return 'quit';
    }
    return 'quit';
  });
}
