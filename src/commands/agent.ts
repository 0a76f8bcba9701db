import { accessSync, constants, mkdirSync } from 'node:fs';
import type { Sample } from '../core/sample.js';
import { commandHelp, parseCommand, type FlagValues, type RawFlag } from '../cli-flags.js';
import { UsageError, UserError, errorMessage } from '../core/errors.js';
import { sanitize } from '../core/sanitize.js';
import { createCollector } from '../collect/platform.js';
import { LiveSource } from '../collect/live-source.js';
import { startAgent, type AgentSource } from '../transport/agent-server.js';
import type { PageFiles } from '../transport/web-page.js';
import { storeArchive } from '../transport/agent-archive.js';
import { RollingRecorder } from '../store/rolling-recorder.js';
import { SessionHub } from '../session/session-hub.js';
import { AGENT } from './command-flags.js';
import { cgroupOption, samplingSettings, type SamplingSettings } from './shared-options.js';
import { withConfig } from './user-config.js';
import { resolveToken } from './token.js';
import { readSmallFile } from './small-file.js';
import { SampleRecorder } from './recorder.js';
import { ScrapeMetrics } from '../analysis/scrape-metrics.js';
import type { MetricFamily } from '../core/metric-family.js';
import { exposition } from '../protocol/prometheus-text.js';
import { alertsFamilies } from '../protocol/alerts-report.js';
import { agentStateName, alertFeed, alertSetup, startAlerting, type AlertSetup } from './alerting.js';
import { loadWebPage } from './web-files.js';

/** A day at 1 s; kept deflated (~0.6 KB each), so about 50 MB at most. */
const MAX_HISTORY_SAMPLES = 86_400;

/** Longest log line: peers choose what some lines quote (a Host header, a message type). */
const MAX_LOG_LINE = 2000;

/** One line per event; sanitised, since lines quote host names, peers' strings and errors. */
function log(line: string): void {
  process.stderr.write(`${new Date().toISOString()} tmon agent: ${sanitize(line, MAX_LOG_LINE)}\n`);
}

export async function runAgent(argv: string[]): Promise<number> {
  const args = parseCommand(AGENT, argv);
  if (args.help) {
    process.stdout.write(commandHelp(AGENT));
    return 0;
  }
  const { values, raw } = withConfig('agent', AGENT, args);
  const opts = agentOptions(values, raw);
  const { settings, storeDir } = opts;

  const collector = await createCollector({ intervalMs: settings.intervalMs, ...cgroupOption(values), probes: values.probe });
  const live = new LiveSource(collector, settings.intervalMs, { onError: (err) => log(`a sample failed and was skipped: ${err.message}`) });
  // One stream, one spike detector: the store's recorder and the viewers' broadcaster both subscribe.
  const hub = new SessionHub(live, { history: undefined, thresholds: settings.thresholds });
  const recording = storeDir !== undefined ? recordToStore(hub, storeDir, values, settings.intervalMs) : undefined;
  const scrape = new ScrapeMetrics();
  const startedSeconds = Math.round(Date.now() / 1000 - process.uptime());
  hub.subscribe((sample, changed) => scrape.push(sample, changed));
  logProblems(hub);
  const alerting = opts.alerts !== undefined ? startAlerting(hub, opts.alerts, log, (e) => recording?.addEvent(e)) : undefined;

  let agent;
  try {
    agent = await startAgent({
      source: broadcastSource(hub, live),
      listen: values.listen,
      token: opts.token,
      allowNoAuth: values['no-auth'],
      allowedHosts: values['allow-host'],
      tls: opts.tls,
      historyCapacity: Math.max(1, opts.historySamples),
      top: settings.top,
      maxViewers: values['max-viewers'],
      // Viewers browse what was recorded (tmon connect, H) through the agent.
      ...(storeDir !== undefined ? { archive: storeArchive(storeDir) } : {}),
      metrics: (openMetrics) => exposition([...scrape.families(), ...(alerting ? alertsFamilies(alerting.report()) : []), ...ownProcess(startedSeconds)], openMetrics),
      ...(alerting ? { alerts: () => alerting.report(), alertFeed: alertFeed(alerting) } : {}),
      ...pageOption(),
      log,
    });
  } catch (err) {
    await hub.close();
    await alerting?.close();
    throw err;
  }
  hub.start();
  if (storeDir !== undefined) {
    const asTyped = (name: 'retain' | 'max-size'): string => {
      const text = raw[name];
      return typeof text === 'string' ? text : String(AGENT.flags[name].default);
    };
    log(`recording to ${storeDir} (retain ${asTyped('retain')}, at most ${asTyped('max-size')})`);
  }
  await untilSignal();
  log('stopping');
  await agent.close();
  await hub.close();
  await alerting?.close();
  await recording?.close(hub.finishSpikes());
  return 0;
}

type AgentValues = FlagValues<typeof AGENT.flags>;

/** What the flags ask for, checked before anything starts. */
interface AgentOptions {
  settings: SamplingSettings;
  token: string | undefined;
  tls: { cert: Buffer; key: Buffer } | undefined;
  historySamples: number;
  storeDir: string | undefined;
  alerts: AlertSetup | undefined;
}

/** --tls-cert and --tls-key, read (bounded), or undefined for plain ws:// and http://. */
export function tlsOption(values: { 'tls-cert': string | undefined; 'tls-key': string | undefined }): { cert: Buffer; key: Buffer } | undefined {
  const certPath = values['tls-cert'];
  const keyPath = values['tls-key'];
  if ((certPath === undefined) !== (keyPath === undefined)) {
    throw new UsageError('--tls-cert and --tls-key go together: give both');
  }
  return certPath !== undefined && keyPath !== undefined
    ? { cert: readSmallFile(certPath, `--tls-cert ${certPath}`), key: readSmallFile(keyPath, `--tls-key ${keyPath}`) }
    : undefined;
}

function agentOptions(values: AgentValues, raw: Readonly<Record<string, RawFlag>>): AgentOptions {
  const settings = samplingSettings(values);
  const token = resolveToken(values, process.env);
  const tls = tlsOption(values);
  const historySamples = Math.round(values.history / settings.intervalMs);
  if (historySamples > MAX_HISTORY_SAMPLES) {
    throw new UsageError(
      `--history ${String(raw['history'])} at one sample every ${settings.intervalMs} ms is ${historySamples} samples; ` +
        `the agent keeps at most ${MAX_HISTORY_SAMPLES} in memory: shorten it, or keep more with --store DIR`,
    );
  }
  const storeDir = values.store;
  if (storeDir === undefined && ['retain', 'max-size', 'rotate'].some((k) => raw[k] !== undefined)) {
    throw new UsageError('--retain, --max-size and --rotate go with --store DIR');
  }
  return { settings, token, tls, historySamples, storeDir, alerts: alertSetup(values, storeDir, agentStateName(values.listen)) };
}

/** Records the hub's samples under `dir` from the first one on; close() ends the files with the session's spikes. */
function recordToStore(hub: SessionHub, dir: string, values: AgentValues, intervalMs: number): Pick<SampleRecorder, 'addEvent' | 'close'> {
  checkStoreDir(dir);
  // The files' header needs the host's facts, which come with the first sample.
  const open = (first: Sample): SampleRecorder => {
    const rolling = new RollingRecorder({
      dir,
      retainMs: values.retain,
      maxBytes: values['max-size'],
      rotate: values.rotate,
      host: first.host,
      intervalMs,
      onError: (err) => log(`recording paused: ${err.message}; streaming goes on, recording resumes when writing works again`),
      onResume: () => log('recording resumed'),
    });
    return new SampleRecorder(rolling, () => dir);
  };
  let recorder: SampleRecorder | undefined;
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
  return { addEvent: (e) => recorder?.addEvent(e), close: async (spikes) => recorder?.close(spikes) };
}

/** What goes wrong in the stream itself (spike detection, the source ending) is logged when it changes. */
function logProblems(hub: SessionHub): void {
  let toldProblem = '';
  hub.onChange(() => {
    if (hub.problem && hub.problem !== toldProblem) log((toldProblem = hub.problem));
  });
}

/**
 * The agent's own cost as Prometheus client libraries name it, so "what does the monitor cost" is one query.
 * `startedSeconds` is taken once, so a wall-clock step or a rounding does not move it between scrapes.
 */
function ownProcess(startedSeconds: number): MetricFamily[] {
  const cpu = process.cpuUsage();
  return [
    { name: 'process_cpu_seconds', help: 'Total user and system CPU time spent in seconds.', type: 'counter', unit: 'seconds', samples: [{ value: (cpu.user + cpu.system) / 1e6 }] },
    { name: 'process_resident_memory_bytes', help: 'Resident memory size in bytes.', type: 'gauge', unit: 'bytes', samples: [{ value: process.memoryUsage.rss() }] },
    { name: 'process_start_time_seconds', help: 'Start time of the process since unix epoch in seconds.', type: 'gauge', unit: 'seconds', samples: [{ value: startedSeconds }] },
  ];
}

/** The broadcaster reads the hub's stream; the rate it asks for is the collector's. */
function broadcastSource(hub: SessionHub, live: LiveSource): AgentSource {
  const stream = hub.stream();
  return {
    label: stream.label,
    kind: stream.kind,
    samples: () => stream.samples(),
    close: () => stream.close(),
    get intervalMs(): number {
      return live.intervalMs;
    },
    setIntervalMs: (ms: number): void => live.setIntervalMs(ms),
  };
}

export function untilSignal(): Promise<void> {
  return new Promise<void>((resolve) => {
    for (const s of ['SIGTERM', 'SIGINT', 'SIGHUP'] as const) process.once(s, () => resolve());
  });
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

/** The browser page at /, when it was built (npm run build); without it the agent says so once. */
function pageOption(): { page?: PageFiles } {
  const page = loadWebPage();
  if (page) return { page };
  log('the browser page is not built (npm run build): / serves none');
  return {};
}
