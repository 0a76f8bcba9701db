import { onlyPositional } from '../cli-args.js';
import { commandHelp, parseCommand } from '../cli-flags.js';
import { UserError } from '../core/errors.js';
import { sanitize } from '../core/sanitize.js';
import type { Sample } from '../core/sample.js';
import { toWireSample } from '../protocol/wire-sample.js';
import type { Timeline } from '../core/timeline.js';
import { openRecording } from '../store/recording-reader.js';
import { startAgent, type AgentSource } from '../transport/agent-server.js';
import { WireHistory } from '../transport/wire-history.js';
import { tlsOption, untilSignal } from './agent.js';
import { SERVE } from './command-flags.js';
import { openForCommand } from './open-recording.js';
import { resolveToken } from './token.js';
import { loadWebPage } from './web-files.js';

/** What the page is given of a recording: its newest two hours at 1 s, the most the page holds. */
export const SERVE_SAMPLES = 7200;

function log(line: string): void {
  process.stderr.write(`${new Date().toISOString()} tmon serve: ${sanitize(line, 2000)}\n`);
}

/**
 * The newest `capacity` samples of a recording, as the agent keeps its own: the wire's
 * selection of processes (spike evidence included), so the page's detector finds the same culprits.
 */
export function historyOf(recording: Timeline, capacity: number): WireHistory {
  const history = new WireHistory(capacity);
  const first = Math.max(0, recording.length - capacity);
  for (let i = first; i < recording.length; i += 60) {
    for (const s of recording.slice(i, Math.min(i + 60, recording.length))) history.push(toWireSample(s));
  }
  return history;
}

/** A source with nothing more to say: the agent serves its history and waits. */
function finishedSource(label: string, intervalMs: number): AgentSource {
  return {
    label,
    kind: 'replay',
    intervalMs,
    setIntervalMs: () => {},
    samples: async function* (): AsyncGenerator<Sample> {},
    close: async () => {},
  };
}

/** `tmon serve FILE|DIR`: the agent's HTTP/WebSocket server and page, with a recording as the data. */
export async function runServe(argv: string[]): Promise<number> {
  const args = parseCommand(SERVE, argv);
  if (args.help) {
    process.stdout.write(commandHelp(SERVE));
    return 0;
  }
  const { values } = args;
  const path = onlyPositional('serve', args.positionals, 'the recording', 'FILE|DIR');
  const token = resolveToken(values, process.env);
  const tls = tlsOption(values);
  const page = loadWebPage();
  if (!page) throw new UserError('the browser page is not built: run npm run build in tmon’s directory');
  const recording = await openForCommand(path);
  try {
    if (recording.length === 0) throw new UserError(`${path} holds no samples`);
    const history = historyOf(recording, SERVE_SAMPLES);
    const agent = await startAgent({
      source: finishedSource(path, recording.header.intervalMs),
      history,
      // The rest of the recording as an agent's store: the page reaches what is older than its two hours.
      archive: { open: () => openRecording(path, { cacheGroups: 2 }) },
      listen: values.listen,
      token,
      allowNoAuth: values['no-auth'],
      allowedHosts: values['allow-host'],
      tls,
      page,
      log,
    });
    log(`serving ${history.length} of ${recording.length} samples from ${path}: open ${tls ? 'https' : 'http'}://${agent.address.host.includes(':') ? `[${agent.address.host}]` : agent.address.host}:${agent.address.port}/`);
    await untilSignal();
    await agent.close();
  } finally {
    await recording.close();
  }
  return 0;
}
