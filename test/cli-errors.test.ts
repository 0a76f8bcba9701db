import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { locateMemoryCgroup } from '../src/collect/cgroup-memory.js';
import { inCliWords } from '../src/commands/cli-errors.js';
import { UsageError, UserError } from '../src/core/errors.js';
import { parseTarget } from '../src/transport/remote-target.js';
import { tokenProblem } from '../src/transport/token-rules.js';
import { ListenError, TlsSetupError, UnprotectedListenError } from '../src/transport/start-errors.js';

/** What a lower layer threw, in the command line's words. */
function told(fn: () => unknown): UserError | undefined {
  try {
    fn();
  } catch (err) {
    return inCliWords(err);
  }
  throw new Error('nothing was thrown');
}

describe('lower layers’ typed errors in the command line’s words', () => {
  const empty = mkdtempSync(join(tmpdir(), 'tmon-cgroup-'));
  afterAll(() => rmSync(empty, { recursive: true, force: true }));

  it('names the flag that changes what went wrong', () => {
    expect(told(() => locateMemoryCgroup({ cgroupRoot: empty, cgroup: '/system.slice/nope.service' }))?.message).toBe(
      `--cgroup /system.slice/nope.service: no memory cgroup there under ${empty}; give its path as /proc/PID/cgroup shows it, e.g. /system.slice/nginx.service`,
    );
    const conflict = told(() => parseTarget('ws://db1', { tls: true }));
    expect(conflict).toBeInstanceOf(UsageError);
    expect(conflict?.message).toBe("'ws://db1' says ws:// but --tls asks for TLS: use wss:// or drop --tls");
    expect(inCliWords(tokenProblem(' '))?.message).toBe('the token is empty: give a non-empty --token, TMON_TOKEN or --token-file');
    expect(inCliWords(new ListenError('EADDRINUSE', '127.0.0.1', 7654, 'the port is in use (another tmon agent?)'))?.message).toBe(
      'cannot listen on 127.0.0.1:7654: the port is in use (another tmon agent?); choose another with --listen',
    );
    expect(inCliWords(new UnprotectedListenError('0.0.0.0', 7654))?.message).toBe(
      'refusing to listen on 0.0.0.0:7654 without a token: anyone who can reach it could watch this machine; ' +
        'set --token, TMON_TOKEN or --token-file (or pass --no-auth to allow it anyway)',
    );
    expect(inCliWords(new TlsSetupError('no start line'))?.message).toBe('cannot use the TLS certificate and key: no start line (check --tls-cert and --tls-key)');
  });

  it('keeps what needs no flag as the lower layer said it, and is not for other errors', () => {
    const unsendable = tokenProblem('two words');
    expect(inCliWords(unsendable)).toBe(unsendable);
    const denied = new ListenError('EACCES', '0.0.0.0', 80, 'permission denied');
    expect(inCliWords(denied)).toBe(denied);
    const plain = new UserError('no samples');
    expect(inCliWords(plain)).toBe(plain);
    expect(inCliWords(new Error('a bug'))).toBeUndefined();
    expect(inCliWords('thrown text')).toBeUndefined();
  });
});
