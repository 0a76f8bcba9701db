import { UsageError } from '../core/errors.js';

const DEFAULT_AGENT_PORT = 7654;

/** A target written with ws:// while TLS was asked for: which one is meant only the person can say. */
export class SchemeConflictError extends UsageError {
  constructor(readonly target: string) {
    super(`'${target}' says ws:// but TLS was asked for`);
    this.name = 'SchemeConflictError';
  }
}

export interface RemoteTarget {
  /** ws://host:port or wss://host:port */
  url: string;
  /** "host:port" ("[::1]:7654" for IPv6), how the person named it. */
  label: string;
  /** Host name or address without brackets. */
  host: string;
  port: number;
  tls: boolean;
}

/**
 * "db1", "db1:7654", "ws://db1:7654", "wss://db1", "[::1]:7654" → where to
 * connect. A wss:// scheme or `tls` asks for TLS; ws:// together with `tls`
 * is a contradiction and refused.
 */
export function parseTarget(text: string, opts: { tls?: boolean } = {}): RemoteTarget {
  const m = /^(?:(wss?):\/\/)?(\[[0-9a-fA-F:.]+\]|[^\s:/[\]]+)(?::(\d{1,5}))?\/?$/.exec(text.trim());
  if (!m) throw new UsageError(`'${text}' is not HOST:PORT (e.g. db1:7654, wss://db1:7654, [::1]:7654)`);
  const [, scheme, rawHost = '', rawPort] = m;
  if (scheme === 'ws' && opts.tls) throw new SchemeConflictError(text);
  const tls = scheme === 'wss' || opts.tls === true;
  const port = rawPort === undefined ? DEFAULT_AGENT_PORT : Number(rawPort);
  if (port < 1 || port > 65535) throw new UsageError(`'${text}': port must be 1–65535`);
  const host = rawHost.replace(/^\[|\]$/g, '');
  const hostPart = host.includes(':') ? `[${host}]` : host;
  return { url: `${tls ? 'wss' : 'ws'}://${hostPart}:${port}/`, label: `${hostPart}:${port}`, host, port, tls };
}
