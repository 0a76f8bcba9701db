/**
 * Every command's flags, one table each: the one source of its parseArgs
 * options, its typed values and its --help (and of `tmon --help`). Entries
 * that several commands share are defined once here. Loading this module
 * loads no command.
 */
import { DEFAULT_THRESHOLDS } from '../analysis/thresholds.js';
import { MIN_INTERVAL_MS } from '../core/interval.js';
import { UsageError } from '../core/errors.js';
import { parseProbe, ProbeSyntaxError, type ProbeSpec } from '../core/probe.js';
import { sanitize } from '../core/sanitize.js';
import {
  briefly,
  bytesFlag,
  choiceFlag,
  durationFlag,
  listFlag,
  numberFlag,
  reworded,
  switchFlag,
  textFlag,
  type CommandSpec,
  type Flag,
  type FlagValues,
} from '../cli-flags.js';
import { THEME_NAMES } from '../ui/theme.js';
import { DEFAULT_LISTEN, parseListen } from './listen-address.js';

const MAX_INTERVAL_MS = 60_000;
const DAY_MS = 86_400_000;

const HELP = { help: switchFlag('this help', { short: 'h' }) };

/** The config file instead of the usual one (config-file.ts): on every command with settings. */
const CONFIG = { config: textFlag('FILE', 'read settings from FILE instead of ~/.config/tmon/config.toml') };

/** The dashboards' colours: on every command that opens one. */
const THEME = { theme: choiceFlag(THEME_NAMES, 'colours for a dark or light terminal background, or none (NO_COLOR also gives none)', 'dark') };

/** How spikes are found: every command that finds them. The analysis layer fills in what is not given. */
export const THRESHOLD_FLAGS = {
  'cpu-threshold': numberFlag('P', 'CPU spike threshold, busy %', { min: 1, max: 100, shownDefault: DEFAULT_THRESHOLDS.cpu.absolute }),
  'cpu-margin': numberFlag('P', 'CPU rise above the recent baseline, points', { min: 0, max: 100, shownDefault: DEFAULT_THRESHOLDS.cpu.margin }),
  'mem-threshold': numberFlag('P', 'memory spike threshold, % of RAM or cgroup limit', {
    min: 1,
    max: 100,
    shownDefault: DEFAULT_THRESHOLDS.memory.absolute,
  }),
  'mem-margin': numberFlag('P', 'memory rise above the recent baseline, points', { min: 0, max: 100, shownDefault: DEFAULT_THRESHOLDS.memory.margin }),
  'cpu-rise': numberFlag('P', 'a sudden CPU rise of P points is a spike at any level; 0 turns it off', {
    min: 0,
    max: 100,
    shownDefault: DEFAULT_THRESHOLDS.cpu.rise,
  }),
  'mem-rise': numberFlag('P', 'a sudden memory rise of P points is a spike at any level; 0 turns it off', {
    min: 0,
    max: 100,
    shownDefault: DEFAULT_THRESHOLDS.memory.rise,
  }),
  'latency-factor': numberFlag('N', "a probe's latency spike is at least N times its usual round trip", {
    min: 1,
    max: 1000,
    shownDefault: DEFAULT_THRESHOLDS.latency.factor,
  }),
  'latency-margin': numberFlag('MS', "a probe's latency spike is also at least MS ms above its usual round trip", { min: 0, max: 3_600_000, shownDefault: DEFAULT_THRESHOLDS.latency.margin }),
  'latency-threshold': numberFlag('MS', 'a latency spike from MS is careful, from 2x warning, from 4x critical', {
    min: 1,
    max: 3_600_000,
    shownDefault: DEFAULT_THRESHOLDS.latency.absolute,
  }),
};

const SEE_MAIN_HELP = '(see tmon --help)';

const INTERVAL = durationFlag('DUR', `sampling interval, at least ${MIN_INTERVAL_MS}ms`, {
  minMs: MIN_INTERVAL_MS,
  maxMs: MAX_INTERVAL_MS,
  default: '1s',
  short: 'i',
});
const TOP = numberFlag('N', 'processes kept per past sample (the table shows all)', { min: 1, max: 500, default: 15, short: 'n' });
const CGROUP = textFlag(
  'PATH',
  "watch this memory cgroup (as /proc/PID/cgroup names it) instead of tmon's own; a limit below RAM is the memory total",
);

/** --probe URL, repeatable, read into probe specs (core/probe.ts says what a URL may be). */
const PROBE: Flag<ProbeSpec[]> = {
  type: 'string',
  multiple: true,
  value: 'URL',
  help: "probe tcp://HOST:PORT, http(s)://HOST/PATH or ping://HOST, optionally followed by ' interval=5s timeout=3s'; repeatable",
  read: (raw, name) => {
    const specs = (Array.isArray(raw) ? raw : []).map((text) => {
      try {
        return parseProbe(text);
      } catch (err) {
        if (err instanceof ProbeSyntaxError) throw new UsageError(`--${name} ${sanitize(text, 80)}: ${sanitize(err.message, 200)}`);
        throw err;
      }
    });
    // A target is a probe's name in samples and on /metrics: twice would be two series of one name.
    const twice = specs.find((s, i) => specs.findIndex((t) => t.target === s.target) !== i);
    if (twice) throw new UsageError(`--${name} ${sanitize(twice.target, 80)} is given twice: once per target`);
    return specs;
  },
};

/** How a viewer reaches agents: connect, record --from and spikes HOST:PORT. */
export const REMOTE_FLAGS = {
  token: textFlag('TOKEN', "the agent's token (also TMON_TOKEN)"),
  'token-file': textFlag('FILE', 'read the token from FILE'),
  tls: switchFlag('use TLS (wss://) for HOST:PORT given without a scheme'),
  ca: textFlag('FILE', 'trust this CA or self-signed certificate (PEM) for wss://'),
};

/** Where alert notifications go: the agent and `tmon alert test`. */
const NOTIFY = listFlag('URL', 'send alert notifications to smtp://, smtps://, https://, http:// or exec:/path; repeatable');

/** Alert rules and their notifications (README "Alerts"). */
export const ALERT_FLAGS = {
  alert: listFlag('RULE', "an alert rule, e.g. 'disk_free(/) < 1GiB for 2m'; repeatable"),
  alerts: textFlag('FILE', 'read alert rules and `notify URL` lines from FILE (one per line, # comments)'),
  notify: NOTIFY,
  'alert-repeat': durationFlag('DUR', 'remind while an alert fires this often', { minMs: 60_000, maxMs: 30 * DAY_MS, default: '4h' }),
  'quiet-hours': textFlag('HH:MM-HH:MM', 'tell nothing in these local hours; what changed is told after them'),
  'alert-state': textFlag('FILE', 'keep unsent notifications and firing alerts here across restarts (the agent: DIR/alert-state.json with --store)'),
};

export const DASHBOARD = {
  verb: 'tmon',
  synopsis: '[options]',
  summary: 'live dashboard of this machine',
  usage: 'tmon [options]',
  about: 'The live dashboard of this machine.',
  positionals: false,
  flags: {
    interval: INTERVAL,
    top: TOP,
    record: textFlag('FILE', 'record while watching'),
    cgroup: CGROUP,
    probe: PROBE,
    ...ALERT_FLAGS,
    ...THRESHOLD_FLAGS,
    ...THEME,
    ...CONFIG,
    ...HELP,
    version: switchFlag('print the version', { short: 'v' }),
  },
} satisfies CommandSpec<Record<string, Flag<unknown>>>;

/** --listen HOST:PORT, read into its host and port. */
const LISTEN: Flag<{ host: string; port: number }> = {
  type: 'string',
  value: 'HOST:PORT',
  help: 'where to listen: this machine only by default; another address needs a token',
  default: DEFAULT_LISTEN,
  read: (raw) => parseListen(typeof raw === 'string' ? raw : DEFAULT_LISTEN),
};

export const AGENT = {
  verb: 'agent',
  synopsis: 'agent [options]',
  summary: 'sample and stream to viewers over WebSocket',
  usage: 'tmon agent [options]',
  about: 'Samples this machine and streams to viewers (tmon connect) over WebSocket.',
  positionals: false,
  flags: {
    listen: LISTEN,
    token: textFlag('TOKEN', 'viewers must send this token (also TMON_TOKEN)'),
    'token-file': textFlag('FILE', 'read the token from FILE (preferred: a flag shows in ps)'),
    'no-auth': switchFlag('allow a non-loopback address without a token (warns at every start)'),
    'allow-host': listFlag(
      'NAME',
      "without a token, also accept viewers that reach this agent by NAME (besides IP addresses, localhost and this machine's hostname); repeatable",
    ),
    'tls-cert': textFlag('FILE', 'serve wss:// with this certificate (PEM) ...'),
    'tls-key': textFlag('FILE', '... and this private key (PEM)'),
    history: durationFlag('DUR', 'how much to keep in memory for viewers: at most 86400 samples, about 50 MB; use --store for longer', {
      minMs: 1000,
      maxMs: 7 * DAY_MS,
      default: '1h',
    }),
    'max-viewers': numberFlag('N', 'concurrent viewers', { min: 1, max: 1000, default: 16 }),
    store: textFlag('DIR', 'also record to rolling files in DIR (viewers browse them: tmon connect, H)'),
    retain: durationFlag('DUR', 'with --store: delete files older than this', { minMs: 60_000, maxMs: 3650 * DAY_MS, default: '7d' }),
    'max-size': bytesFlag('SIZE', 'with --store: keep the files under this total', { default: '1GB' }),
    rotate: choiceFlag(['hour', 'day'], 'with --store: one file per hour or per day', 'hour'),
    interval: reworded(INTERVAL, `sampling interval; viewers may ask for faster, down to ${MIN_INTERVAL_MS}ms`),
    top: reworded(TOP, 'processes per sample sent to viewers'),
    cgroup: reworded(CGROUP, "watch this memory cgroup (as /proc/PID/cgroup names it) instead of the agent's own: its limit is the memory total"),
    probe: PROBE,
    ...ALERT_FLAGS,
    ...briefly(THRESHOLD_FLAGS, { label: "spike thresholds for the store's spike index" }),
    ...CONFIG,
    ...HELP,
  },
} satisfies CommandSpec<Record<string, Flag<unknown>>>;

export const ALERT = {
  verb: 'alert',
  synopsis: 'alert test --notify URL',
  summary: 'send a test alert notification',
  usage: 'tmon alert test --notify URL [--notify URL …]',
  about: `Sends a test message to each --notify URL, as the agent would send an alert,
and says which were accepted. Exits 1 when one was not.`,
  positionals: true,
  flags: { notify: NOTIFY, ...HELP },
} satisfies CommandSpec<Record<string, Flag<unknown>>>;

export const CONNECT = {
  verb: 'connect',
  synopsis: 'connect HOST:PORT [more…]',
  summary: 'the dashboard of remote agents',
  usage: 'tmon connect HOST:PORT [HOST:PORT …] [options]',
  about: `The dashboard of remote agents (tmon agent). One host opens its dashboard;
several open an overview (Enter opens a host, Esc returns). With one host,
H browses what its agent recorded (tmon agent --store), Esc returns to live.`,
  positionals: true,
  flags: {
    ...REMOTE_FLAGS,
    hosts: textFlag('FILE', 'read more HOST:PORT targets from FILE (one per line, # comments)'),
    // Not given, the agents keep their own intervals.
    interval: reworded(INTERVAL, 'ask the agent to sample this fast while you watch (within its bounds)', { hideDefault: true }),
    top: TOP,
    ...briefly(THRESHOLD_FLAGS, { label: 'spike thresholds', note: SEE_MAIN_HELP }),
    ...THEME,
    ...CONFIG,
    ...HELP,
  },
} satisfies CommandSpec<Record<string, Flag<unknown>>>;

export const RECORD = {
  verb: 'record',
  synopsis: 'record FILE [options]',
  summary: 'record without a screen',
  usage: 'tmon record FILE [options]',
  about: `Records samples (and the spikes found in them) to FILE without a screen,
from this machine or from an agent. Recording into an existing recording of
the same host continues it. Stop with Ctrl-C or SIGTERM.`,
  positionals: true,
  flags: {
    from: textFlag('HOST:PORT', 'record from an agent (its history first) instead of this machine'),
    duration: durationFlag('DUR', 'stop after this long (e.g. 1h, 30m)', { minMs: 1000, maxMs: 365 * DAY_MS }),
    interval: reworded(INTERVAL, 'sampling interval here'),
    cgroup: reworded(CGROUP, `watch this memory cgroup instead of tmon's own ${SEE_MAIN_HELP}`),
    probe: reworded(PROBE, `probe a target from here ${SEE_MAIN_HELP}`),
    ...ALERT_FLAGS,
    ...REMOTE_FLAGS,
    ...briefly(THRESHOLD_FLAGS, { label: 'spike thresholds', note: SEE_MAIN_HELP }),
    ...CONFIG,
    ...HELP,
  },
} satisfies CommandSpec<Record<string, Flag<unknown>>>;

export const SERVE = {
  verb: 'serve',
  synopsis: 'serve FILE|DIR',
  summary: 'show a recording in a browser',
  usage: 'tmon serve FILE|DIR [options]',
  about: `Serves the browser page (as tmon agent does, at /) with a recording (a file,
or an agent's --store directory) as its data: its newest two hours.`,
  positionals: true,
  flags: {
    listen: LISTEN,
    token: textFlag('TOKEN', 'the page asks for this token (also TMON_TOKEN)'),
    'token-file': AGENT.flags['token-file'],
    'no-auth': AGENT.flags['no-auth'],
    'allow-host': AGENT.flags['allow-host'],
    'tls-cert': AGENT.flags['tls-cert'],
    'tls-key': AGENT.flags['tls-key'],
    ...HELP,
  },
} satisfies CommandSpec<Record<string, Flag<unknown>>>;

export const REPLAY = {
  verb: 'replay',
  synopsis: 'replay FILE|DIR',
  summary: 'browse a recording',
  usage: 'tmon replay FILE|DIR [options]',
  about: `Browses a recording (a file, or an agent's --store directory) in the dashboard,
starting at its first spike. Keys: ←/→ one sample, PgUp/PgDn one minute,
Shift+←/→ one hour, g go to a time, n/N next/previous spike, p play 1x/10x/60x,
Enter on a spike jumps to it, ? all keys.`,
  positionals: true,
  flags: { ...THEME, ...CONFIG, ...HELP },
} satisfies CommandSpec<Record<string, Flag<unknown>>>;

export const SPIKES = {
  verb: 'spikes',
  synopsis: 'spikes FILE|DIR|HOST:PORT',
  summary: 'print the spike log',
  usage: 'tmon spikes FILE|DIR|HOST:PORT [options]',
  about: `Prints the spike log with each spike's culprits: from a recording, or from
the history an agent holds.`,
  positionals: true,
  flags: {
    since: durationFlag('DUR', 'only spikes that started in the last DUR (e.g. 6h, 2d)', { minMs: 1000, maxMs: 3650 * DAY_MS }),
    json: switchFlag('one JSON object per line per spike, for scripts'),
    ...REMOTE_FLAGS,
    ...briefly(THRESHOLD_FLAGS, { label: 'spike thresholds (agent history only)' }),
    ...HELP,
  },
} satisfies CommandSpec<Record<string, Flag<unknown>>>;

export const EXPORT = {
  verb: 'export',
  synopsis: 'export FILE --csv',
  summary: 'CSV, or --openmetrics for Prometheus',
  usage: 'tmon export FILE|DIR --csv|--openmetrics [--from T] [--to T]',
  about: `Writes the recording to standard output: with --csv one row per sample (time,
CPU, memory, swap, load, network, and the top CPU and top memory process); with
--openmetrics what the agent's /metrics would have served at each sample,
timestamped, for promtool tsdb create-blocks-from openmetrics. A directory (an
agent's --store) is exported as one timeline.`,
  positionals: true,
  flags: {
    csv: switchFlag('CSV output'),
    openmetrics: switchFlag("OpenMetrics with timestamps: the agent's /metrics names, to backfill Prometheus"),
    from: textFlag('T', `the range's start: 03:12, "2026-11-22 03:12:05", start, end, or a time before the end written with '=': --from=-2h`),
    to: textFlag('T', "the range's end, written as for --from"),
    ...HELP,
  },
} satisfies CommandSpec<Record<string, Flag<unknown>>>;

export const ALERTS = {
  verb: 'alerts',
  synopsis: 'alerts FILE|DIR|HOST:PORT',
  summary: 'alerts recorded, or firing on an agent',
  usage: 'tmon alerts FILE|DIR|HOST:PORT [options]',
  about: `From a recording (a file, or an agent's --store directory): the alert events
it holds, in time order, one line each (started firing, resolved). From an agent
(tmon agent --alert …): the alerts it has firing now, one line each with since
when and the value; nothing firing says so. Exits 0 either way.`,
  positionals: true,
  flags: {
    json: switchFlag("one JSON object per event (a recording), or the agent's report, for scripts"),
    ...REMOTE_FLAGS,
    ...HELP,
  },
} satisfies CommandSpec<Record<string, Flag<unknown>>>;

/** The commands in the order `tmon --help` lists them. */
export const COMMANDS = [DASHBOARD, AGENT, CONNECT, RECORD, REPLAY, SERVE, SPIKES, EXPORT, ALERT, ALERTS] as const;

export type ThresholdValues = FlagValues<typeof THRESHOLD_FLAGS>;
export type RemoteValues = FlagValues<typeof REMOTE_FLAGS>;
