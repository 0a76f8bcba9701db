import { readFileSync } from 'node:fs';
import { UserError, errorMessage } from '../core/errors.js';
import type { OptionSpec } from '../cli-args.js';
import type { RemoteSourceOptions } from '../transport/remote-source.js';
import { resolveToken } from './token.js';

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
    try {
      opts.ca = readFileSync(ca);
    } catch (err) {
      throw new UserError(`cannot read --ca ${ca}: ${errorMessage(err)}`);
    }
  }
  return opts;
}
