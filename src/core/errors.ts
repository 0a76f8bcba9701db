/**
 * An error whose message is meant for the person at the keyboard: one line
 * saying what is wrong and what to do. The CLI prints it without a stack.
 */
export class UserError extends Error {
  constructor(
    message: string,
    /** Process exit code when this ends a command; 2 is a usage error. */
    readonly exitCode: number = 1,
  ) {
    super(message);
    this.name = 'UserError';
  }
}

export class UsageError extends UserError {
  constructor(message: string) {
    super(message, 2);
    this.name = 'UsageError';
  }
}

export function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
