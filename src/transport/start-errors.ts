/**
 * Why the agent server must not or cannot start, as types: the server says
 * what happened, the command line (commands/cli-errors) which flag changes it.
 */
import { UserError } from '../core/errors.js';

/** Listening failed; `code` is the system's (EADDRINUSE, EACCES…). */
export class ListenError extends UserError {
  constructor(
    readonly code: string | undefined,
    readonly host: string,
    readonly port: number,
    reason: string,
  ) {
    super(`cannot listen on ${host}:${port}: ${reason}`);
    this.name = 'ListenError';
  }
}

/** A non-loopback address without a token, which the caller did not allow. */
export class UnprotectedListenError extends UserError {
  constructor(
    readonly host: string,
    readonly port: number,
  ) {
    super(`refusing to listen on ${host}:${port} without a token: anyone who can reach it could watch this machine`);
    this.name = 'UnprotectedListenError';
  }
}

/** The TLS certificate and key given cannot serve wss://. */
export class TlsSetupError extends UserError {
  constructor(reason: string) {
    super(`cannot use the TLS certificate and key: ${reason}`);
    this.name = 'TlsSetupError';
  }
}
