import { UserError } from './core/errors.js';
import { sanitize } from './core/sanitize.js';
import { tmonVersion } from './version.js';
import { mainUsage } from './commands/usage.js';
import { inCliWords } from './commands/cli-errors.js';

type CommandRunner = (argv: string[]) => Promise<number>;

/** Each verb's module is loaded only when used, so `tmon --version` stays instant. */
const COMMANDS: Record<string, () => Promise<CommandRunner>> = {
  agent: async () => (await import('./commands/agent.js')).runAgent,
  connect: async () => (await import('./commands/connect.js')).runConnect,
  record: async () => (await import('./commands/record.js')).runRecord,
  replay: async () => (await import('./commands/replay.js')).runReplay,
  serve: async () => (await import('./commands/serve.js')).runServe,
  spikes: async () => (await import('./commands/spikes.js')).runSpikes,
  export: async () => (await import('./commands/export.js')).runExport,
  alert: async () => (await import('./commands/alert.js')).runAlert,
  alerts: async () => (await import('./commands/alerts.js')).runAlerts,
};

export async function main(argv: string[]): Promise<number> {
  // `tmon export … | head`: the reader leaving is a normal end, not a crash.
  process.stdout.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code === 'EPIPE') process.exit(0);
    process.stderr.write(`tmon: cannot write the output: ${sanitize(err.message)}\n`);
    process.exit(1);
  });
  const [first, ...rest] = argv;
  try {
    if (first === '--version' || first === '-v') {
      process.stdout.write(`${tmonVersion()}\n`);
      return 0;
    }
    if (first === '--help' || first === '-h' || first === 'help') {
      process.stdout.write(mainUsage());
      return 0;
    }
    const load = first !== undefined ? COMMANDS[first] : undefined;
    if (load) return await (await load())(rest);
    if (first !== undefined && !first.startsWith('-')) {
      throw new UserError(`unknown command '${first}' (see tmon --help)`, 2);
    }
    // Before the dashboard's modules load: loading them alone grows V8's young generation to 8 MB.
    const memory = await import('./commands/dashboard-memory.js');
    memory.capHeapGrowth();
    memory.skipOptimizingCompiler();
    const { runDashboard } = await import('./commands/dashboard.js');
    return await runDashboard(argv);
  } catch (err) {
    const told = inCliWords(err);
    if (told) {
      // Messages quote what the person typed, file names, file content and agents' words.
      process.stderr.write(`tmon: ${sanitize(told.message, 2000)}\n`);
      return told.exitCode;
    }
    throw err;
  }
}

