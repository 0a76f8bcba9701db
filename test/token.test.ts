import { afterAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { resolveToken } from '../src/commands/token.js';

describe('the shared token', () => {
  const dir = mkdtempSync(join(tmpdir(), 'tmon-token-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('comes from --token, else --token-file (trimmed), else TMON_TOKEN', () => {
    const file = join(dir, 'token');
    writeFileSync(file, '  s3cret \n');
    expect(resolveToken({ token: 'flag' }, { TMON_TOKEN: 'env' })).toBe('flag');
    expect(resolveToken({ 'token-file': file }, { TMON_TOKEN: 'env' })).toBe('s3cret');
    expect(resolveToken({}, { TMON_TOKEN: 'env' })).toBe('env');
    expect(resolveToken({}, { TMON_TOKEN: '' })).toBeUndefined();
  });

  it('refuses both flags, an unreadable file and an empty one', () => {
    const empty = join(dir, 'empty');
    writeFileSync(empty, '\n');
    expect(() => resolveToken({ token: 'a', 'token-file': 'b' }, {})).toThrow(/either --token or --token-file/);
    expect(() => resolveToken({ 'token-file': join(dir, 'missing') }, {})).toThrow(/cannot read the token file/);
    expect(() => resolveToken({ 'token-file': empty }, {})).toThrow(/is empty/);
  });

  it('refuses a token that can never match, at start: a space, a control or a non-ASCII character', () => {
    const spaced = join(dir, 'spaced');
    writeFileSync(spaced, 'two words\n');
    const why = /^the token has a space or a character an HTTP header cannot carry/;
    expect(() => resolveToken({ token: 'two words' }, {})).toThrow(why);
    expect(() => resolveToken({ 'token-file': spaced }, {})).toThrow(why);
    expect(() => resolveToken({}, { TMON_TOKEN: 'tab\there' })).toThrow(why);
    expect(() => resolveToken({ token: 'pässword' }, {})).toThrow(why);
    expect(resolveToken({ token: 'Ab9-._~+/=!' }, {})).toBe('Ab9-._~+/=!');
  });

  it('says in one line why the token file cannot be read: missing, a directory, or far too large', () => {
    const missing = join(dir, 'nonexistent');
    expect(() => resolveToken({ 'token-file': missing }, {})).toThrow(new RegExp(`^cannot read the token file ${missing}: no such file$`));
    expect(() => resolveToken({ 'token-file': dir }, {})).toThrow(/: it is a directory$/);
    expect(() => resolveToken({ 'token-file': '/dev/zero' }, {})).toThrow(/^cannot read the token file \/dev\/zero: larger than 4096 bytes/);
  });
});

