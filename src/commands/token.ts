import { UsageError, UserError } from '../core/errors.js';
import { tokenProblem } from '../transport/token-rules.js';
import { readSmallFile } from './small-file.js';

/** The longest token file read: a token is a line, not a file's worth. */
const MAX_TOKEN_FILE_BYTES = 4096;

/** --token and --token-file as given (the agent's and a viewer's). */
export interface TokenFlags {
  readonly token?: string | undefined;
  readonly 'token-file'?: string | undefined;
}

/**
 * The shared secret from --token, --token-file or TMON_TOKEN (in that order).
 * A file is preferred in production: a flag shows in `ps` to every user.
 */
export function resolveToken(values: TokenFlags, env: NodeJS.ProcessEnv): string | undefined {
  const token = tokenFrom(values, env);
  // Refused here, at start, rather than failing every connection later.
  const problem = token !== undefined ? tokenProblem(token) : null;
  if (problem) throw problem;
  return token;
}

function tokenFrom(values: TokenFlags, env: NodeJS.ProcessEnv): string | undefined {
  const flag = values.token;
  const file = values['token-file'];
  if (flag !== undefined && file !== undefined) {
    throw new UsageError('give either --token or --token-file, not both');
  }
  if (flag !== undefined) return flag;
  if (file !== undefined) {
    const token = readSmallFile(file, `the token file ${file}`, MAX_TOKEN_FILE_BYTES).toString('utf8').trim();
    if (token === '') throw new UserError(`the token file ${file} is empty: put the token on its first line`);
    return token;
  }
  const fromEnv = env['TMON_TOKEN'];
  return fromEnv !== undefined && fromEnv !== '' ? fromEnv : undefined;
}
