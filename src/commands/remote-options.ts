import { X509Certificate } from 'node:crypto';
import { UserError } from '../core/errors.js';
import type { RemoteValues } from './command-flags.js';
import type { RemoteSourceOptions } from '../transport/remote-source.js';
import { resolveToken } from './token.js';
import { readSmallFile } from './small-file.js';

/** The viewer flags as the remote source takes them: the token resolved, the --ca file read and checked. */
export function remoteOptions(values: Partial<RemoteValues>): RemoteSourceOptions {
  const opts: RemoteSourceOptions = {};
  const token = resolveToken(values, process.env);
  if (token !== undefined) opts.token = token;
  if (values.tls === true) opts.tls = true;
  if (values.ca !== undefined) opts.ca = readCertificates(values.ca);
  return opts;
}

/** The PEM certificates of --ca FILE; a file without one is refused here, not reported later as an untrusted agent. */
function readCertificates(path: string): Buffer {
  const pem = readSmallFile(path, `--ca ${path}`);
  const first = /-----BEGIN CERTIFICATE-----[^-]+-----END CERTIFICATE-----/.exec(pem.toString('latin1'));
  let valid = false;
  try {
    valid = first !== null && new X509Certificate(first[0]).raw.length > 0;
  } catch {
    valid = false;
  }
  if (!valid) throw new UserError(`no certificate in ${path}: --ca needs the agent's certificate or its CA in PEM (-----BEGIN CERTIFICATE-----)`);
  return pem;
}
