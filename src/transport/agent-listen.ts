import http from 'node:http';
import https from 'node:https';
import { UserError, errorMessage } from '../core/errors.js';
import { isLoopbackHost, tokenProblem } from './request-guard.js';

/** What decides whether and where the agent may listen. */
export interface ListenSettings {
  listen: { host: string; port: number };
  token?: string;
  allowNoAuth?: boolean;
  tls?: { cert: string | Buffer; key: string | Buffer };
}

/** Settings that decide whether the agent may start at all; throws UserError when it may not. */
export function checkSecurity(opts: ListenSettings, log: (line: string) => void): void {
  const { host, port } = opts.listen;
  const problem = opts.token !== undefined ? tokenProblem(opts.token) : null;
  if (problem) throw new UserError(problem);
  if (opts.token === undefined && !isLoopbackHost(host)) {
    if (!opts.allowNoAuth) {
      throw new UserError(
        `refusing to listen on ${host}:${port} without a token: anyone who can reach it could watch this machine; ` +
          'set --token, TMON_TOKEN or --token-file (or pass --no-auth to allow it anyway)',
      );
    }
    log(`WARNING: listening on ${host}:${port} without a token (--no-auth): anyone who can reach this port can watch this machine`);
  }
}

/** An HTTP server, or HTTPS with the given certificate and key. */
export function createHttpServer(tls: ListenSettings['tls']): http.Server {
  if (!tls) return http.createServer();
  try {
    return https.createServer({ cert: tls.cert, key: tls.key });
  } catch (err) {
    throw new UserError(`cannot use the TLS certificate and key: ${errorMessage(err)} (check --tls-cert and --tls-key)`);
  }
}

function listenError(err: NodeJS.ErrnoException, host: string, port: number): UserError {
  const where = `${host}:${port}`;
  if (err.code === 'EADDRINUSE') return new UserError(`cannot listen on ${where}: the port is in use (another tmon agent?); choose another with --listen`);
  if (err.code === 'EADDRNOTAVAIL') return new UserError(`cannot listen on ${where}: ${host} is not an address of this machine`);
  if (err.code === 'EACCES') return new UserError(`cannot listen on ${where}: permission denied (ports below 1024 need privileges; use e.g. 7654)`);
  if (err.code === 'ENOTFOUND' || err.code === 'EAI_AGAIN') return new UserError(`cannot listen on ${where}: unknown host name ${host}`);
  return new UserError(`cannot listen on ${where}: ${err.message}`);
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
