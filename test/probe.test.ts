import { describe, expect, it } from 'vitest';
import { parseProbe, ProbeSyntaxError } from '../src/core/probe.js';

describe('parseProbe', () => {
  it('reads each kind with its defaults', () => {
    expect(parseProbe('tcp://127.0.0.1:10000')).toMatchObject({ kind: 'tcp', host: '127.0.0.1', port: 10000, intervalMs: 5000, timeoutMs: 3000 });
    expect(parseProbe('https://example.com/health?x=1')).toMatchObject({ kind: 'https', host: 'example.com', port: 443, path: '/health?x=1', method: 'HEAD' });
    expect(parseProbe('http://example.com')).toMatchObject({ port: 80, path: '/' });
    expect(parseProbe('tcp://db:80')).toMatchObject({ port: 80 });
    expect(parseProbe('ping://[::1]')).toMatchObject({ kind: 'ping', host: '::1', port: null });
    expect(parseProbe('PING://db1').kind).toBe('ping');
  });

  it('takes interval, timeout and method after the URL', () => {
    expect(parseProbe('https://example.com interval=30s timeout=2s method=GET')).toMatchObject({ intervalMs: 30_000, timeoutMs: 2000, method: 'GET' });
    // A short interval without a timeout gets one that fits inside it.
    expect(parseProbe('tcp://h:1 interval=1s').timeoutMs).toBe(1000);
  });

  it('refuses what it cannot probe, saying what it needs', () => {
    const refusal = (text: string): string => {
      try {
        parseProbe(text);
      } catch (err) {
        expect(err).toBeInstanceOf(ProbeSyntaxError);
        return (err as Error).message;
      }
      return 'accepted';
    };
    expect(refusal('ftp://x')).toMatch(/tcp:\/\/, http:\/\/, https:\/\/, ping:\/\//);
    expect(refusal('example.com:80')).toMatch(/needs one of/);
    expect(refusal('tcp://host')).toMatch(/needs a port/);
    expect(refusal('http://127.0.0.1:/')).toMatch(/':' but no port/);
    expect(refusal('tcp://[::1]:')).toMatch(/':' but no port/);
    expect(refusal('https://[::1]/health')).toBe('accepted');
    expect(refusal('http://user:pw@h/')).toBe('accepted');
    expect(refusal('ping://host:7')).toMatch(/host only/);
    expect(refusal('ping://-c9')).toMatch(/cannot start with -/);
    expect(refusal('tcp://h:1 interval=0s')).toMatch(/interval=0s is not a duration/);
    expect(refusal('tcp://h:1 interval=5s timeout=9s')).toMatch(/longer than the interval/);
    expect(refusal('tcp://h:1 method=GET')).toMatch(/unknown option/);
    expect(refusal('https://h method=POST')).toMatch(/HEAD or GET/);
    expect(refusal(`https://h/${'a'.repeat(3000)}`)).toMatch(/longer than/);
  });
});
