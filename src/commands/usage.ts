import { flagHelp } from '../cli-flags.js';
import { tmonVersion } from '../version.js';
import { COMMANDS, DASHBOARD } from './command-flags.js';

/** `tmon --help`: every command's synopsis from its table, then the dashboard's own flags. */
export function mainUsage(): string {
  const lines = COMMANDS.map((c) => [`tmon ${c.synopsis}`, c.summary] as const);
  const column = Math.max(...lines.map(([s]) => s.length)) + 4;
  return `tmon ${tmonVersion()} — terminal monitor for servers

Usage:
${lines.map(([s, summary]) => `  ${s.padEnd(column)}${summary}`).join('\n')}

Run 'tmon <command> --help' for the options of each command.

Dashboard options:
${flagHelp(DASHBOARD.flags)}`;
}
