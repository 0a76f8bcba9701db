import { onlyPositional } from '../cli-args.js';
import { commandHelp, parseCommand } from '../cli-flags.js';
import { UsageError } from '../core/errors.js';
import { samplesToCsv } from '../store/export-format.js';
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
  if (!values.csv) throw new UsageError('choose a format: --csv (see tmon export --help)');
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
    let header = true;
    for (let i = Math.max(0, recording.indexAtTime(from)); i < recording.length; i += CHUNK) {
      const chunk = recording.slice(i, i + CHUNK).filter((s) => s.time >= from && s.time <= to);
      for (const row of samplesToCsv(chunk, { header })) await write(row);
      header = false;
      if ((recording.at(Math.min(i + CHUNK, recording.length) - 1)?.time ?? Infinity) > to) break;
    }
    if (header) for (const row of samplesToCsv([], { header: true })) await write(row);
  } finally {
    await recording.close();
  }
  return 0;
}

/** Respects back-pressure so a 24-hour export piped into `head` does not buffer everything (EPIPE is handled in cli.ts). */
function write(text: string): Promise<void> {
  return new Promise((resolve) => {
    if (process.stdout.write(text)) resolve();
    else process.stdout.once('drain', resolve);
  });
}
