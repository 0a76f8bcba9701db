import { X509Certificate } from 'node:crypto';
import { UserError } from '../core/errors.js';
import type { OptionSpec } from '../cli-args.js';
import type { RemoteSourceOptions } from '../transport/remote-source.js';
import { resolveToken } from './token.js';
import { readSmallFile } from './small-file.js';

/** How a viewer reaches agents: shared by connect, record --from and spikes HOST:PORT. */
export const REMOTE_OPTIONS: OptionSpec = {
  token: { type: 'string' },
  'token-file': { type: 'string' },
  tls: { type: 'boolean' },
  ca: { type: 'string' },
};

export const REMOTE_USAGE = `  --token TOKEN        the agent's token (also TMON_TOKEN)
  --token-file FILE    read the token from FILE
  --tls                use TLS (wss://) for HOST:PORT given without a scheme
  --ca FILE            trust this CA or self-signed certificate (PEM) for wss://
`;

export function remoteOptions(values: Record<string, unknown>): RemoteSourceOptions {
  const opts: RemoteSourceOptions = {};
  const token = resolveToken(values, process.env);
  if (token !== undefined) opts.token = token;
  if (values['tls'] === true) opts.tls = true;
  const ca = values['ca'];
  if (typeof ca === 'string') {
    opts.ca = readCertificates(ca);
  }
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
