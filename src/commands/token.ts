import { readFileSync } from 'node:fs';
import { UsageError, UserError, errorMessage } from '../core/errors.js';

/**
 * The shared secret from --token, --token-file or TMON_TOKEN (in that order).
 * A file is preferred in production: a flag shows in `ps` to every user.
 */
export function resolveToken(values: Record<string, unknown>, env: NodeJS.ProcessEnv): string | undefined {
  const flag = values['token'];
  const file = values['token-file'];
  if (typeof flag === 'string' && typeof file === 'string') {
    throw new UsageError('give either --token or --token-file, not both');
  }
  if (typeof flag === 'string') return flag;
  if (typeof file === 'string') {
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch (err) {
      throw new UserError(`cannot read the token file ${file}: ${errorMessage(err)}`);
    }
    const token = text.trim();
    if (token === '') throw new UserError(`the token file ${file} is empty: put the token on its first line`);
    return token;
  }
  const fromEnv = env['TMON_TOKEN'];
  return fromEnv !== undefined && fromEnv !== '' ? fromEnv : undefined;
}
