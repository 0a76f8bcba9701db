import { describe, expect, it } from 'vitest';
import { UsageError } from '../src/core/errors.js';
import { SchemeConflictError, parseTarget } from '../src/transport/remote-target.js';

describe('parseTarget', () => {
  it.each([
    ['db1', {}, 'ws://db1:7654/', 'db1:7654', false],
    ['db1:9000', {}, 'ws://db1:9000/', 'db1:9000', false],
    ['ws://db1:80', {}, 'ws://db1:80/', 'db1:80', false],
    ['wss://db1', {}, 'wss://db1:7654/', 'db1:7654', true],
    ['db1:7654', { tls: true }, 'wss://db1:7654/', 'db1:7654', true],
    ['[::1]:7654', {}, 'ws://[::1]:7654/', '[::1]:7654', false],
    ['10.0.0.5', {}, 'ws://10.0.0.5:7654/', '10.0.0.5:7654', false],
  ])('%s %j → %s', (text, opts, url, label, isTls) => {
    const t = parseTarget(text, opts);
    expect(t.url).toBe(url);
    expect(t.label).toBe(label);
    expect(t.tls).toBe(isTls);
  });

  it('keeps the bare host for messages', () => {
    expect(parseTarget('[::1]:1').host).toBe('::1');
  });

  it.each(['', 'http://db1', 'db1:', 'db1:99999', 'db1:0', 'a b', 'db1/path'])('refuses %j with a usage error', (text) => {
    expect(() => parseTarget(text)).toThrow(UsageError);
  });

  it('refuses ws:// together with TLS asked for', () => {
    expect(() => parseTarget('ws://db1', { tls: true })).toThrow(new SchemeConflictError('ws://db1'));
    expect(() => parseTarget('ws://db1', { tls: true })).toThrow(UsageError);
  });
});
