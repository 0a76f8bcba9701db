import { describe, expect, it } from 'vitest';
import { PROTOCOL_VERSION } from '../src/protocol/wire-messages.js';
import { backoffDelay, describeFailure } from '../src/transport/link-state.js';
import { tmonVersion } from '../src/version.js';

const plain = { label: 'db1:7654', host: 'db1', tls: false };
const tls = { ...plain, tls: true };

describe('describeFailure', () => {
  it('says what to do for each way a link fails', () => {
    expect(describeFailure(plain, { kind: 'socket', code: 'ECONNREFUSED', message: 'connect ECONNREFUSED' }, false)).toEqual({
      message: 'cannot reach db1:7654: connection refused (is tmon agent running there?)',
      retry: true,
    });
    expect(describeFailure(plain, { kind: 'socket', code: 'ENOTFOUND', message: '' }, false).message).toBe(
      'cannot reach db1:7654: unknown host db1 (check the name)',
    );
    expect(describeFailure(plain, { kind: 'socket', code: undefined, message: 'Opening handshake has timed out' }, false).message).toMatch(
      /no answer in time/,
    );
    expect(describeFailure(tls, { kind: 'socket', code: 'DEPTH_ZERO_SELF_SIGNED_CERT', message: '' }, false).message).toMatch(/use --ca FILE/);
    for (const code of ['EPROTO', 'ERR_SSL_WRONG_VERSION_NUMBER', 'ERR_SSL_PACKET_LENGTH_TOO_LONG']) {
      expect(describeFailure(tls, { kind: 'socket', code, message: 'wrong version number' }, false).message).toMatch(/agent is not using TLS/);
    }
    // Decided by the code, not the words.
    expect(describeFailure(tls, { kind: 'socket', code: 'EOTHER', message: 'wrong version number' }, false).message).not.toMatch(/not using TLS/);
    expect(describeFailure(plain, { kind: 'socket', code: 'ECONNRESET', message: 'socket hang up' }, false).message).toMatch(
      /wss:\/\/db1:7654 or --tls/,
    );
  });

  it('stops on auth and version failures, which need the person', () => {
    expect(describeFailure(plain, { kind: 'http', status: 401, body: '' }, false)).toEqual({
      message: 'authentication failed for db1:7654 (check --token)',
      retry: false,
      finalState: 'auth-failed',
    });
    const v = describeFailure(plain, { kind: 'version', agentProtocol: 9, agentVersion: '3.0.0' }, false);
    expect(v.finalState).toBe('version-mismatch');
    expect(v.retry).toBe(false);
    expect(v.message).toBe(
      `db1:7654 runs tmon 3.0.0 speaking protocol 9; this tmon ${tmonVersion()} speaks protocol ${PROTOCOL_VERSION}: install the same tmon version on both ends`,
    );
    expect(describeFailure(plain, { kind: 'agent-error', code: 4002, message: 'protocol version 2 is not supported' }, true).finalState).toBe(
      'version-mismatch',
    );
  });

  it('tells a dropped link from an agent that stopped', () => {
    expect(describeFailure(plain, { kind: 'closed', code: 1001, reason: '' }, true).message).toBe('lost connection to db1:7654: the agent stopped');
    expect(describeFailure(plain, { kind: 'closed', code: 1006, reason: '' }, true).message).toBe('lost connection to db1:7654: the link dropped');
    expect(describeFailure(plain, { kind: 'silent', ms: 37_500 }, true).message).toBe('lost connection to db1:7654: nothing heard for 38 s');
    expect(describeFailure(plain, { kind: 'http', status: 503, body: 'too many viewers (limit 16)' }, false).retry).toBe(true);
  });
});

describe('backoffDelay', () => {
  it('doubles from the initial delay up to the cap, jittered between half and all of it', () => {
    expect(backoffDelay(0, 500, 10_000, () => 0)).toBe(250);
    expect(backoffDelay(0, 500, 10_000, () => 1)).toBe(500);
    expect(backoffDelay(3, 500, 10_000, () => 1)).toBe(4000);
    expect(backoffDelay(10, 500, 10_000, () => 1)).toBe(10_000);
    expect(backoffDelay(10_000, 500, 10_000, () => 0)).toBe(5000);
  });
});
