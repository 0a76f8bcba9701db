import http from 'node:http';
import https from 'node:https';
import { errorMessage } from '../core/errors.js';
import { isLoopbackHost } from './request-guard.js';
import { tokenProblem } from './token-rules.js';
import { ListenError, TlsSetupError, UnprotectedListenError } from './start-errors.js';

/** What decides whether and where the agent may listen. */
export interface ListenSettings {
  listen: { host: string; port: number };
  token?: string;
  allowNoAuth?: boolean;
  tls?: { cert: string | Buffer; key: string | Buffer };
}

/** Settings that decide whether the agent may start at all; throws a typed UserError (start-errors, request-guard) when it may not. */
export function checkSecurity(opts: ListenSettings, log: (line: string) => void): void {
  const { host, port } = opts.listen;
  const problem = opts.token !== undefined ? tokenProblem(opts.token) : null;
  if (problem) throw problem;
  if (opts.token === undefined && !isLoopbackHost(host)) {
    if (!opts.allowNoAuth) throw new UnprotectedListenError(host, port);
    log(`WARNING: listening on ${host}:${port} without a token (--no-auth): anyone who can reach this port can watch this machine`);
  }
}

/** An HTTP server, or HTTPS with the given certificate and key. */
export function createHttpServer(tls: ListenSettings['tls']): http.Server {
  if (!tls) return http.createServer();
  try {
    return https.createServer({ cert: tls.cert, key: tls.key });
  } catch (err) {
    throw new TlsSetupError(errorMessage(err));
  }
}

function listenError(err: NodeJS.ErrnoException, host: string, port: number): ListenError {
  const reason =
    err.code === 'EADDRINUSE'
      ? 'the port is in use (another tmon agent?)'
      : err.code === 'EADDRNOTAVAIL'
        ? `${host} is not an address of this machine`
        : err.code === 'EACCES'
          ? 'permission denied (ports below 1024 need privileges; use e.g. 7654)'
          : err.code === 'ENOTFOUND' || err.code === 'EAI_AGAIN'
            ? `unknown host name ${host}`
            : err.message;
  return new ListenError(err.code, host, port, reason);
}

/** Listens on `host:port`; resolves with the port (the one chosen for port 0), or rejects with a UserError. */
export async function listen(server: http.Server, { host, port }: { host: string; port: number }, log: (line: string) => void): Promise<number> {
  await new Promise<void>((resolve, reject) => {
    server.once('error', (err: NodeJS.ErrnoException) => reject(listenError(err, host, port)));
    server.listen(port, host, () => resolve());
  });
  server.on('error', (err) => log(`server error: ${errorMessage(err)}`));
  const address = server.address();
  return typeof address === 'object' && address ? address.port : port;
}
