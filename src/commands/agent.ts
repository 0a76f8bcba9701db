import { accessSync, constants, mkdirSync } from 'node:fs';
import type { Sample } from '../core/sample.js';
import { parseCommandArgs, bytesOption, durationOption, numberOption } from '../cli-args.js';
import { UsageError, UserError, errorMessage } from '../core/errors.js';
import { sanitize } from '../core/sanitize.js';
import { createCollector } from '../collect/platform.js';
import { LiveSource } from '../collect/live-source.js';
import { startAgent } from '../transport/agent-server.js';
import { storeArchive } from '../transport/agent-archive.js';
import { RollingRecorder } from '../store/rolling-recorder.js';
import { SessionHub } from '../session/session-hub.js';
import { COLLECTOR_OPTIONS, SAMPLING_OPTIONS, cgroupOption, samplingSettings } from './shared-options.js';
import { DEFAULT_LISTEN, parseListen } from './listen-address.js';
import { resolveToken } from './token.js';
import { readSmallFile } from './small-file.js';
import { SampleRecorder } from './recorder.js';

const USAGE = `Usage: tmon agent [options]

Samples this machine and streams to viewers (tmon connect) over WebSocket.

  --listen HOST:PORT   where to listen (default ${DEFAULT_LISTEN}, this machine only;
                       another address needs a token)
  --token TOKEN        viewers must send this token (also TMON_TOKEN)
  --token-file FILE    read the token from FILE (preferred: a flag shows in ps)
  --no-auth            allow a non-loopback address without a token (warns at every start)
  --allow-host NAME    without a token, also accept viewers that reach this agent by NAME
                       (besides IP addresses, localhost and this machine's hostname); repeatable
  --tls-cert FILE      serve wss:// with this certificate (PEM) ...
  --tls-key FILE       ... and this private key (PEM)
  --history DUR        how much to keep in memory for viewers (default 1h; at most
                       86400 samples, about 50 MB: use --store for longer)
  --max-viewers N      concurrent viewers (default 16)
  --store DIR          also record to rolling files in DIR (viewers browse them: tmon connect, H)
  --retain DUR         with --store: delete files older than this (default 7d)
  --max-size SIZE      with --store: keep the files under this total (default 1GB)
  --rotate hour|day    with --store: one file per hour or per day (default hour)
  -i, --interval DUR   sampling interval (default 1s; viewers may ask for faster, down to 200ms)
  -n, --top N          processes per sample sent to viewers (default 15)
  --cgroup PATH        watch this memory cgroup (as /proc/PID/cgroup names it) instead of
                       the agent's own: its limit is the memory total
  spike thresholds for the store's spike index: --cpu-threshold --cpu-margin --cpu-rise --mem-threshold --mem-margin --mem-rise
`;

/** A day at 1 s; kept deflated (~0.6 KB each), so about 50 MB at most. */
const MAX_HISTORY_SAMPLES = 86_400;

const OPTIONS = {
  ...SAMPLING_OPTIONS,
  ...COLLECTOR_OPTIONS,
  listen: { type: 'string' },
  token: { type: 'string' },
  'token-file': { type: 'string' },
  'no-auth': { type: 'boolean' },
  'allow-host': { type: 'string', multiple: true },
  'tls-cert': { type: 'string' },
  'tls-key': { type: 'string' },
  history: { type: 'string' },
  'max-viewers': { type: 'string' },
  store: { type: 'string' },
  retain: { type: 'string' },
  'max-size': { type: 'string' },
  rotate: { type: 'string' },
} as const;

/** Longest log line: peers choose what some lines quote (a Host header, a message type). */
const MAX_LOG_LINE = 2000;

/** One line per event; sanitised, since lines quote host names, peers' strings and errors. */
function log(line: string): void {
  process.stderr.write(`${new Date().toISOString()} tmon agent: ${sanitize(line, MAX_LOG_LINE)}\n`);
}

export async function runAgent(argv: string[]): Promise<number> {
  const { values } = parseCommandArgs('agent', argv, OPTIONS, false);
  if (values['help'] === true) {
    process.stdout.write(USAGE);
    return 0;
  }
  const settings = samplingSettings(values);
  const listen = parseListen(typeof values['listen'] === 'string' ? values['listen'] : DEFAULT_LISTEN);
  const token = resolveToken(values, process.env);
  const certPath = values['tls-cert'];
  const keyPath = values['tls-key'];
  if ((typeof certPath === 'string') !== (typeof keyPath === 'string')) {
    throw new UsageError('--tls-cert and --tls-key go together: give both');
  }
  const tls =
    typeof certPath === 'string' && typeof keyPath === 'string'
      ? { cert: readSmallFile(certPath, `--tls-cert ${certPath}`), key: readSmallFile(keyPath, `--tls-key ${keyPath}`) }
      : undefined;
  const historyMs = durationOption('history', values['history'], 1000, 7 * 86_400_000, 3_600_000);
  const historySamples = Math.round(historyMs / settings.intervalMs);
  if (historySamples > MAX_HISTORY_SAMPLES) {
    throw new UsageError(
      `--history ${String(values['history'])} at one sample every ${settings.intervalMs} ms is ${historySamples} samples; ` +
        `the agent keeps at most ${MAX_HISTORY_SAMPLES} in memory: shorten it, or keep more with --store DIR`,
    );
  }
  const maxViewers = numberOption('max-viewers', values['max-viewers'], 1, 1000, 16);
  const storeDir = values['store'];
  if (typeof storeDir !== 'string' && ['retain', 'max-size', 'rotate'].some((k) => values[k] !== undefined)) {
    throw new UsageError('--retain, --max-size and --rotate go with --store DIR');
  }
  const rotate = values['rotate'] ?? 'hour';
  if (rotate !== 'hour' && rotate !== 'day') throw new UsageError(`--rotate must be hour or day, got '${String(rotate)}'`);
  const retainMs = durationOption('retain', values['retain'], 60_000, 3650 * 86_400_000, 7 * 86_400_000);
  const maxBytes = bytesOption('max-size', values['max-size'], 1024 ** 3);

  const collector = await createCollector({ intervalMs: settings.intervalMs, ...cgroupOption(values) });
  const live = new LiveSource(collector, settings.intervalMs, { onError: (err) => log(`a sample failed and was skipped: ${err.message}`) });
  // One stream, one spike detector: the store's recorder and the viewers' broadcaster both subscribe.
  const hub = new SessionHub(live, { history: undefined, thresholds: settings.thresholds });
  let recorder: SampleRecorder | undefined;
  if (typeof storeDir === 'string') {
    checkStoreDir(storeDir);
    // The files' header needs the host's facts, which come with the first sample.
    const open = (first: Sample): SampleRecorder => {
      const rolling = new RollingRecorder({
        dir: storeDir,
        retainMs,
        maxBytes,
        rotate,
        host: first.host,
        intervalMs: settings.intervalMs,
        onError: (err) => log(`recording paused: ${err.message}; streaming goes on, recording resumes when writing works again`),
        onResume: () => log('recording resumed'),
      });
      return new SampleRecorder(rolling, () => storeDir);
    };
    let told = false;
    hub.subscribe(
      (sample, changed) => {
        recorder ??= open(sample);
        recorder.push(sample, changed);
      },
      (err) => {
        if (!told) log(`recording failed: ${errorMessage(err)}; streaming goes on`);
        told = true;
      },
    );
  }
  // What goes wrong in the stream itself (spike detection, the source ending) is logged when it changes.
  let toldProblem = '';
  hub.onChange(() => {
    if (hub.problem && hub.problem !== toldProblem) log((toldProblem = hub.problem));
  });
  const stream = hub.stream();
  // The broadcaster reads the hub's stream; the rate it asks for is the collector's.
  const source = {
    label: stream.label,
    kind: stream.kind,
    samples: () => stream.samples(),
    close: () => stream.close(),
    get intervalMs(): number {
      return live.intervalMs;
    },
    setIntervalMs: (ms: number): void => live.setIntervalMs(ms),
  };

  let agent;
  try {
    agent = await startAgent({
      source,
      listen,
      token,
      allowNoAuth: values['no-auth'] === true,
      allowedHosts: Array.isArray(values['allow-host']) ? values['allow-host'] : [],
      tls,
      historyCapacity: Math.max(1, historySamples),
      top: settings.top,
      maxViewers,
      // Viewers browse what was recorded (tmon connect, H) through the agent.
      ...(typeof storeDir === 'string' ? { archive: storeArchive(storeDir) } : {}),
      log,
    });
  } catch (err) {
    await hub.close();
    throw err;
  }
  hub.start();
  if (typeof storeDir === 'string') {
    const flag = (name: string, fallback: string): string => (typeof values[name] === 'string' ? values[name] : fallback);
    log(`recording to ${storeDir} (retain ${flag('retain', '7d')}, at most ${flag('max-size', '1GB')})`);
  }
  await new Promise<void>((resolve) => {
    for (const s of ['SIGTERM', 'SIGINT', 'SIGHUP'] as const) process.once(s, () => resolve());
  });
  log('stopping');
  await agent.close();
  await hub.close();
  await recorder?.close(hub.spikes());
  return 0;
}

/** Fails before the agent starts, not at its first sample, when the store cannot be written. */
function checkStoreDir(dir: string): void {
  try {
    mkdirSync(dir, { recursive: true });
    accessSync(dir, constants.W_OK);
  } catch (err) {
    throw new UserError(`cannot record to --store ${dir}: ${errorMessage(err)}`);
  }
}
