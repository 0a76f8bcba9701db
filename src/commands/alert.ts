import { commandHelp, parseCommand } from '../cli-flags.js';
import { onlyPositional } from '../cli-args.js';
import { UsageError } from '../core/errors.js';
import { ALERT } from './command-flags.js';
import { sendTestMessages } from './alerting.js';

/** `tmon alert test --notify URL`: exit 0 when every target accepted the test message. */
export async function runAlert(argv: string[]): Promise<number> {
  const args = parseCommand(ALERT, argv);
  if (args.help) {
    process.stdout.write(commandHelp(ALERT));
    return 0;
  }
  const action = onlyPositional('alert', args.positionals, 'what to do', 'test --notify URL');
  if (action !== 'test') throw new UsageError(`unknown alert action '${action}': tmon alert test --notify URL`);
  const ok = await sendTestMessages(args.values.notify, (line) => process.stdout.write(`${line}\n`));
  return ok ? 0 : 1;
}
