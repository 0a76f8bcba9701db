import { UserError, errorMessage } from './core/errors.js';
import { tmonVersion } from './version.js';

function usage(): string {
  return `tmon ${tmonVersion()} — terminal monitor for servers

Usage:
  tmon [options]                     live dashboard of this machine
  tmon agent [options]               sample and stream to viewers over WebSocket
  tmon connect HOST:PORT [more…]     the dashboard of remote agents
  tmon record FILE [options]         record without a screen
  tmon replay FILE|DIR               browse a recording
  tmon spikes FILE|DIR|HOST:PORT     print the spike log
  tmon export FILE --csv             one CSV row per sample

Run 'tmon <command> --help' for the options of each command.

Dashboard options:
  -i, --interval DUR     sampling interval (default 1s, at least 200ms)
  -n, --top N            processes in the table (default 15)
      --record FILE      record while watching
      --cpu-threshold P  CPU spike threshold, busy % (default 80)
      --cpu-margin P     CPU rise above the recent baseline, points (default 20)
      --mem-threshold P  memory spike threshold, % of RAM used (default 80)
      --mem-margin P     memory rise above the recent baseline, points (default 10)
  -h, --help             this help
  -v, --version          print the version
`;
}

type CommandRunner = (argv: string[]) => Promise<number>;

/** Each verb's module is loaded only when used, so `tmon --version` stays instant. */
const COMMANDS: Record<string, () => Promise<CommandRunner>> = {
  agent: async () => (await import('./commands/agent.js')).runAgent,
  connect: async () => (await import('./commands/connect.js')).runConnect,
  record: async () => (await import('./commands/record.js')).runRecord,
  replay: async () => (await import('./commands/replay.js')).runReplay,
  spikes: async () => (await import('./commands/spikes.js')).runSpikes,
  export: async () => (await import('./commands/export.js')).runExport,
};

export async function main(argv: string[]): Promise<number> {
  const [first, ...rest] = argv;
  try {
    if (first === '--version' || first === '-v') {
      process.stdout.write(`${tmonVersion()}\n`);
      return 0;
    }
    if (first === '--help' || first === '-h' || first === 'help') {
      process.stdout.write(usage());
      return 0;
    }
    const load = first !== undefined ? COMMANDS[first] : undefined;
    if (load) return await (await load())(rest);
    if (first !== undefined && !first.startsWith('-')) {
      throw new UserError(`unknown command '${first}' (see tmon --help)`, 2);
    }
    const { runDashboard } = await import('./commands/dashboard.js');
    return await runDashboard(argv);
  } catch (err) {
    if (err instanceof UserError) {
      process.stderr.write(`tmon: ${err.message}\n`);
      return err.exitCode;
    }
    throw err;
  }
}

