/**
 * The command line's words for the typed errors of the layers below: they say
 * what happened, and only here is it said which flag changes it.
 */
import { UsageError, UserError } from '../core/errors.js';
import { CgroupNotFoundError } from '../collect/cgroup-memory.js';
import { SchemeConflictError } from '../transport/remote-target.js';
import { TokenError } from '../transport/token-rules.js';
import { ListenError, TlsSetupError, UnprotectedListenError } from '../transport/start-errors.js';

/** `err` as the one line a person at the command line reads; undefined when it is not a UserError. */
export function inCliWords(err: unknown): UserError | undefined {
  if (err instanceof CgroupNotFoundError) {
    return new UserError(
      `--cgroup ${err.cgroup}: no memory cgroup there under ${err.root}; give its path as /proc/PID/cgroup shows it, e.g. /system.slice/nginx.service`,
    );
  }
  if (err instanceof SchemeConflictError) return new UsageError(`'${err.target}' says ws:// but --tls asks for TLS: use wss:// or drop --tls`);
  if (err instanceof ListenError && err.code === 'EADDRINUSE') return new UserError(`${err.message}; choose another with --listen`);
  if (err instanceof UnprotectedListenError) {
    return new UserError(`${err.message}; set --token, TMON_TOKEN or --token-file (or pass --no-auth to allow it anyway)`);
  }
  if (err instanceof TlsSetupError) return new UserError(`${err.message} (check --tls-cert and --tls-key)`);
  if (err instanceof TokenError && err.problem === 'empty') return new UserError(`${err.message}: give a non-empty --token, TMON_TOKEN or --token-file`);
  return err instanceof UserError ? err : undefined;
}
