import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { remoteOptions } from '../src/commands/remote-options.js';
import { makeCertificate } from './fixtures/transport/harness.js';

describe('viewer options', () => {
  const dir = mkdtempSync(join(tmpdir(), 'tmon-ca-'));
  const cert = makeCertificate();
  afterAll(() => {
    rmSync(dir, { recursive: true, force: true });
    cert.remove();
  });

  it('--ca takes a PEM certificate', () => {
    const file = join(dir, 'agent.pem');
    writeFileSync(file, cert.cert);
    expect(remoteOptions({ ca: file }).ca?.toString()).toBe(cert.cert);
  });

  it('--ca refuses a file with no certificate in it, a mangled one, and a missing file, in one line each', () => {
    const mangled = join(dir, 'mangled.pem');
    writeFileSync(mangled, '-----BEGIN CERTIFICATE-----\nnot base64 at all\n-----END CERTIFICATE-----\n');
    expect(() => remoteOptions({ ca: '/etc/passwd' })).toThrow(
      "no certificate in /etc/passwd: --ca needs the agent's certificate or its CA in PEM (-----BEGIN CERTIFICATE-----)",
    );
    expect(() => remoteOptions({ ca: mangled })).toThrow(/^no certificate in /);
    expect(() => remoteOptions({ ca: join(dir, 'none.pem') })).toThrow(`cannot read --ca ${join(dir, 'none.pem')}: no such file`);
  });
});
