import { sanitize } from '../core/sanitize.js';
import { openRecording, type Recording } from '../store/recording-reader.js';

/**
 * Opens a recording for a command, telling the person on stderr what was skipped as damaged
 * (sanitised: a warning stored in the file says whatever its writer put there).
 */
export async function openForCommand(path: string): Promise<Recording> {
  const recording = await openRecording(path);
  tellWarnings(recording.warnings);
  return recording;
}

/** One stderr line per warning, sanitised. */
export function tellWarnings(warnings: readonly string[]): void {
  for (const warning of warnings) process.stderr.write(`tmon: warning: ${sanitize(warning, 1000)}\n`);
}
