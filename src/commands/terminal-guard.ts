import { errorMessage } from '../core/errors.js';

/**
 * Restores the terminal on every way out that is not the dashboard's own `q`:
 * SIGTERM, SIGINT and SIGHUP from outside, and a crash. `restore` must be
 * idempotent (the dashboard's destroy() is). Returns a function that removes
 * the handlers again.
 */
export function guardTerminal(restore: () => void): () => void {
  const onSignal = (signal: NodeJS.Signals): void => {
    restore();
    // 128 + signal number, the shell convention for "ended by a signal".
    process.exit(signal === 'SIGINT' ? 130 : signal === 'SIGHUP' ? 129 : 143);
  };
  const onCrash = (err: unknown): void => {
    restore();
    process.stderr.write(`tmon: crashed: ${errorMessage(err)}\n`);
    if (err instanceof Error && err.stack) process.stderr.write(`${err.stack}\n`);
    process.exit(1);
  };
  const signals: NodeJS.Signals[] = ['SIGTERM', 'SIGINT', 'SIGHUP'];
  for (const s of signals) process.on(s, onSignal);
  process.on('uncaughtException', onCrash);
  process.on('unhandledRejection', onCrash);
  return () => {
    for (const s of signals) process.off(s, onSignal);
    process.off('uncaughtException', onCrash);
    process.off('unhandledRejection', onCrash);
  };
}

/**
 * Waits for a screen (dashboard, overview) to end, with the terminal guarded
 * meanwhile; the screen is destroyed however it ends.
 */
export async function untilClosed<T>(screen: { readonly done: Promise<T>; destroy(): void }): Promise<T> {
  const unguard = guardTerminal(() => screen.destroy());
  try {
    return await screen.done;
  } finally {
    screen.destroy();
    unguard();
  }
}
