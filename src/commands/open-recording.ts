import { openRecording, type Recording } from '../store/recording-reader.js';

/** Opens a recording for a command, telling the person on stderr what was skipped as damaged. */
export async function openForCommand(path: string): Promise<Recording> {
  const recording = await openRecording(path);
  for (const warning of recording.warnings) process.stderr.write(`tmon: warning: ${warning}\n`);
  return recording;
}
