import { describe, expect, it } from 'vitest';
import { parseListen } from '../src/commands/listen-address.js';

describe('--listen HOST:PORT', () => {
  it('reads IPv4, IPv6, all-addresses and port 0', () => {
    expect(parseListen('127.0.0.1:7654')).toEqual({ host: '127.0.0.1', port: 7654 });
    expect(parseListen('[::1]:7654')).toEqual({ host: '::1', port: 7654 });
    expect(parseListen(':7654')).toEqual({ host: '0.0.0.0', port: 7654 });
    expect(parseListen('localhost:0')).toEqual({ host: 'localhost', port: 0 });
  });

  it('refuses what is not HOST:PORT', () => {
    for (const bad of ['7654', 'host', 'host:99999', 'a:b', '::1:7654']) {
      expect(() => parseListen(bad), bad).toThrow(/--listen must be HOST:PORT/);
    }
  });
});
