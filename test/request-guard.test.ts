import { describe, expect, it } from 'vitest';
import {
  allowedHostNames,
  bearerToken,
  hostHeaderName,
  hostRefusal,
  isLoopbackHost,
  originRefusal,
  tokenChecker,
} from '../src/transport/request-guard.js';

describe('isLoopbackHost', () => {
  it.each(['127.0.0.1', '127.8.9.10', 'localhost', 'LOCALHOST', '::1', '[::1]', '::ffff:127.0.0.1'])('%s is loopback', (h) => {
    expect(isLoopbackHost(h)).toBe(true);
  });
  it.each(['0.0.0.0', '::', '10.0.0.5', 'db1', '128.0.0.1', '::ffff:10.0.0.1', 'localhost.evil.example'])('%s is not', (h) => {
    expect(isLoopbackHost(h)).toBe(false);
  });
});

describe('tokenChecker', () => {
  const check = tokenChecker('s3cret-token-42');
  it('accepts the token and nothing else', () => {
    expect(check('s3cret-token-42')).toBe(true);
    expect(check('s3cret-token-43')).toBe(false); // same length
    expect(check('s3cret')).toBe(false); // prefix, shorter
    expect(check('s3cret-token-42-and-more')).toBe(false); // longer
    expect(check('')).toBe(false);
    expect(check(undefined)).toBe(false);
  });
});

describe('bearerToken', () => {
  it('reads the token of a Bearer header only', () => {
    expect(bearerToken('Bearer abc.def')).toBe('abc.def');
    expect(bearerToken('bearer  abc')).toBe('abc');
    expect(bearerToken('Basic dXNlcjpwYXNz')).toBeUndefined();
    expect(bearerToken('Bearer')).toBeUndefined();
    expect(bearerToken('Bearer a b')).toBeUndefined();
    expect(bearerToken(undefined)).toBeUndefined();
  });
});

describe('Host header check (DNS rebinding)', () => {
  const allowed = allowedHostNames('db1.prod.example.com', ['tmon.example.org']);

  it('takes the name out of a Host header', () => {
    expect(hostHeaderName('[::1]:7654')).toBe('::1');
    expect(hostHeaderName('Db1.:7654')).toBe('db1');
    expect(hostHeaderName('10.0.0.5')).toBe('10.0.0.5');
    expect(hostHeaderName('::1')).toBe('::1');
  });

  it.each(['127.0.0.1:7654', '10.0.0.5:7654', '[::1]:7654', 'localhost:7654', 'db1:7654', 'DB1.prod.example.com:7654', 'tmon.example.org'])(
    'allows %s',
    (h) => expect(hostRefusal(h, allowed)).toBeNull(),
  );

  it('refuses any other name, saying how to allow it', () => {
    expect(hostRefusal('evil.example:7654', allowed)).toBe(
      "Host 'evil.example' is not allowed: connect by IP address or start the agent with --allow-host evil.example",
    );
    expect(hostRefusal('db1.evil.example', allowed)).not.toBeNull();
    expect(hostRefusal(undefined, allowed)).toBe('a Host header is required');
  });
});

describe('Origin check', () => {
  it('lets clients without an Origin (tmon, scripts) through', () => {
    expect(originRefusal(undefined, '127.0.0.1:7654')).toBeNull();
  });
  it('allows a page served by the agent itself', () => {
    expect(originRefusal('http://127.0.0.1:7654', '127.0.0.1:7654')).toBeNull();
  });
  it('refuses any other origin', () => {
    expect(originRefusal('http://evil.example', '127.0.0.1:7654')).toMatch(/^Origin 'http:\/\/evil.example' is not this agent/);
    expect(originRefusal('http://127.0.0.1:8080', '127.0.0.1:7654')).not.toBeNull();
    expect(originRefusal('null', '127.0.0.1:7654')).not.toBeNull();
  });
});
