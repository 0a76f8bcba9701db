import { onlyPositional } from '../cli-args.js';
import { commandHelp, parseCommand } from '../cli-flags.js';
import { UsageError } from '../core/errors.js';
import { ScrapeMetrics } from '../analysis/scrape-metrics.js';
import type { Sample } from '../core/sample.js';
import type { Spike } from '../core/spike.js';
import { exposition } from '../protocol/prometheus-text.js';
import { probeTargetsOf, samplesToCsv } from '../store/export-format.js';
import { parseTimeInput } from '../ui/time-input.js';
import { EXPORT } from './command-flags.js';
import { openForCommand } from './open-recording.js';

/** Samples decoded per step: one keyframe group at a time keeps memory flat on a 24-hour file. */
const CHUNK = 600;

export async function runExport(argv: string[]): Promise<number> {
  const args = parseCommand(EXPORT, argv);
  if (args.help) {
    process.stdout.write(commandHelp(EXPORT));
    return 0;
  }
  const { values, positionals } = args;
  const path = onlyPositional('export', positionals, 'the recording', 'FILE|DIR --csv');
  if (values.csv === values.openmetrics) throw new UsageError('choose one format: --csv or --openmetrics (see tmon export --help)');
  const recording = await openForCommand(path);
  try {
    const first = recording.at(0)?.time ?? 0;
    const last = recording.at(recording.length - 1)?.time ?? 0;
    const ctx = { cursor: first, first, last };
    const time = (flag: 'from' | 'to', fallback: number): number => {
      const raw = values[flag];
      if (typeof raw !== 'string') return fallback;
      const t = parseTimeInput(raw, ctx);
      if (t === null) throw new UsageError(`--${flag} '${raw}' is not a time (e.g. 03:12, "2026-11-22 03:12:05", -2h)`);
      return t;
    };
    const from = time('from', first);
    const to = time('to', last);
    const chunks = function* (): Generator<Sample[]> {
      for (let i = Math.max(0, recording.indexAtTime(from)); i < recording.length; i += CHUNK) {
        yield recording.slice(i, i + CHUNK).filter((s) => s.time >= from && s.time <= to);
        if ((recording.at(Math.min(i + CHUNK, recording.length) - 1)?.time ?? Infinity) > to) break;
      }
    };
    // The CSV's header names a column pair per probe target, so the targets are gathered first (a second read).
    const targets = new Set<string>();
    if (!values.openmetrics) for (const chunk of chunks()) probeTargetsOf(chunk, targets);
    const format = values.openmetrics ? openMetricsWriter(recording.spikes()) : csvWriter([...targets]);
    for (const chunk of chunks()) for (const text of format.rows(chunk)) await write(text);
    await write(format.end());
  } finally {
    await recording.close();
  }
  return 0;
}

interface ExportWriter {
  rows(samples: readonly Sample[]): Iterable<string>;
  /** What closes the output: the CSV header of an empty export, OpenMetrics' # EOF. */
  end(): string;
}

function csvWriter(probeTargets: readonly string[]): ExportWriter {
  let header = true;
  return {
    *rows(samples) {
      yield* samplesToCsv(samples, { header, probeTargets });
      header = false;
    },
    end: () => (header ? [...samplesToCsv([], { header: true, probeTargets })].join('') : ''),
  };
}

/**
 * What the agent's /metrics would have served at each sample, timestamped, for
 * `promtool tsdb create-blocks-from openmetrics`: the same names, so a recording
 * backfilled into Prometheus sits beside what was scraped. Each stored spike reaches
 * the metrics as it reached the agent's: open at the first sample at or after its
 * start (the newest spike from then on), closed, and so counted, at the first sample
 * at or after its end. With --from, spikes before it arrive at the first exported
 * sample, as a counter's earlier total does at a first scrape.
 */
function openMetricsWriter(spikes: readonly Spike[]): ExportWriter {
  const scrape = new ScrapeMetrics();
  const opening = [...spikes].sort((a, b) => a.start - b.start);
  const closing = spikes.filter((s) => s.end !== null).sort((a, b) => (a.end as number) - (b.end as number));
  let opened = 0;
  let closed = 0;
  return {
    *rows(samples) {
      for (const s of samples) {
        const changed: Spike[] = [];
        while (opened < opening.length && (opening[opened] as Spike).start <= s.time) changed.push({ ...(opening[opened++] as Spike), end: null });
        while (closed < closing.length && ((closing[closed] as Spike).end as number) <= s.time) changed.push(closing[closed++] as Spike);
        scrape.push(s, changed);
        yield exposition(scrape.families(), true, { timestampMs: s.time, eof: false });
      }
    },
    end: () => '# EOF\n',
  };
}

/** Respects back-pressure so a 24-hour export piped into `head` does not buffer everything (EPIPE is handled in cli.ts). */
function write(text: string): Promise<void> {
  return new Promise((resolve) => {
    if (process.stdout.write(text)) resolve();
    else process.stdout.once('drain', resolve);
  });
}
