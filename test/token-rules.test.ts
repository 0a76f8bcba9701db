import { describe, expect, it } from 'vitest';
import { TokenError, tokenProblem } from '../src/transport/token-rules.js';

describe('tokenProblem', () => {
  it('takes visible ASCII', () => {
    expect(tokenProblem('s3cret-Token_with.punct!')).toBeNull();
  });

  it('refuses an empty or blank token', () => {
    expect(tokenProblem('')?.problem).toBe('empty');
    expect(tokenProblem('  \t')?.problem).toBe('empty');
  });

  it('refuses what an Authorization header cannot carry: a space, a control character, a non-ASCII letter', () => {
    for (const token of ['two words', 'tab\there', 'bell\x07', 'café']) {
      const problem = tokenProblem(token);
      expect(problem, token).toBeInstanceOf(TokenError);
      expect(problem?.problem).toBe('unsendable');
      expect(problem?.message).toMatch(/letters, digits and punctuation/);
    }
  });
});
