import { UserError } from '../core/errors.js';

/**
 * Why a token cannot work, or null: it travels as `Authorization: Bearer <token>`,
 * so only visible ASCII (no space, no control, no non-ASCII letter) can ever match.
 * Apart from request-guard so that the CLI's error wording, which every command
 * loads, does not bring node:crypto into the dashboard.
 */
export function tokenProblem(token: string): TokenError | null {
  if (token.trim() === '') return new TokenError('empty', 'the token is empty');
  if (!/^[\x21-\x7e]+$/.test(token)) {
    return new TokenError(
      'unsendable',
      'the token has a space or a character an HTTP header cannot carry: use letters, digits and punctuation only (e.g. openssl rand -hex 32)',
    );
  }
  return null;
}

/** A token that can never match, and why. */
export class TokenError extends UserError {
  constructor(
    readonly problem: 'empty' | 'unsendable',
    message: string,
  ) {
    super(message);
    this.name = 'TokenError';
  }
}
