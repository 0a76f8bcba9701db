import http from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { checkSecurity, createHttpServer, listen } from '../src/transport/agent-listen.js';
import { TokenError } from '../src/transport/token-rules.js';
import { ListenError, TlsSetupError, UnprotectedListenError } from '../src/transport/start-errors.js';

const servers: http.Server[] = [];
afterEach(async () => {
  for (const s of servers.splice(0)) await new Promise<void>((resolve) => s.close(() => resolve()));
});

describe('checkSecurity', () => {
  it('refuses a non-loopback address without a token, and a token no header can carry', () => {
    expect(() => checkSecurity({ listen: { host: '0.0.0.0', port: 7654 } }, () => {})).toThrow(UnprotectedListenError);
    expect(() => checkSecurity({ listen: { host: '0.0.0.0', port: 7654 } }, () => {})).toThrow(/refusing to listen on 0\.0\.0\.0:7654 without a token/);
    expect(() => checkSecurity({ listen: { host: '127.0.0.1', port: 7654 }, token: 'two words' }, () => {})).toThrow(TokenError);
  });

  it('allows loopback without a token, and anything with --no-auth, with a warning', () => {
    const lines: string[] = [];
    checkSecurity({ listen: { host: '::1', port: 7654 } }, (l) => lines.push(l));
    expect(lines).toEqual([]);
    checkSecurity({ listen: { host: '0.0.0.0', port: 7654 }, allowNoAuth: true }, (l) => lines.push(l));
    expect(lines).toEqual(['WARNING: listening on 0.0.0.0:7654 without a token (--no-auth): anyone who can reach this port can watch this machine']);
  });
});

describe('listen', () => {
  it('resolves with the port chosen for port 0, and says in one line, typed with its code, when the port is taken', async () => {
    const first = createHttpServer(undefined);
    servers.push(first);
    const port = await listen(first, { host: '127.0.0.1', port: 0 }, () => {});
    expect(port).toBeGreaterThan(0);
    const second = createHttpServer(undefined);
    const err = await listen(second, { host: '127.0.0.1', port }, () => {}).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ListenError);
    expect((err as ListenError).code).toBe('EADDRINUSE');
    expect((err as Error).message).toBe(`cannot listen on 127.0.0.1:${port}: the port is in use (another tmon agent?)`);
  });

  it('says why the certificate cannot be used (commands/ names the flags)', () => {
    expect(() => createHttpServer({ cert: 'not a certificate', key: 'nor a key' })).toThrow(TlsSetupError);
    expect(() => createHttpServer({ cert: 'not a certificate', key: 'nor a key' })).toThrow(/^cannot use the TLS certificate and key: /);
  });
});
