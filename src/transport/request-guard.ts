import { createHash, timingSafeEqual } from 'node:crypto';
import { isIP } from 'node:net';

/** 127.0.0.0/8, ::1 and localhost: addresses only this machine can reach. */
export function isLoopbackHost(host: string): boolean {
  const h = host.toLowerCase().replace(/^\[|\]$/g, '');
  if (h === 'localhost' || h === '::1' || h === '0:0:0:0:0:0:0:1') return true;
  if (isIP(h) === 4) return h.startsWith('127.');
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/.exec(h);
  return mapped?.[1] !== undefined && mapped[1].startsWith('127.');
}

/**
 * A token check that takes the same time whatever the guess: both sides are
 * hashed first, so timingSafeEqual always compares 32 bytes and neither the
 * token's length nor its prefix leaks.
 */
export function tokenChecker(token: string): (presented: string | undefined) => boolean {
  const expected = createHash('sha256').update(token, 'utf8').digest();
  return (presented) => {
    const given = createHash('sha256')
      .update(presented ?? '', 'utf8')
      .digest();
    return timingSafeEqual(expected, given) && presented !== undefined;
  };
}

/** The token of an `Authorization: Bearer <token>` header, if that is what it holds. */
export function bearerToken(authorization: string | undefined): string | undefined {
  const m = /^Bearer +(\S+) *$/i.exec(authorization ?? '');
  return m?.[1];
}

/** The host name of a Host header ("[::1]:7654" → "::1", "Db1.:7654" → "db1"), lowercased. */
export function hostHeaderName(host: string): string {
  const h = host.trim().toLowerCase();
  const bracketed = /^\[([^\]]+)\](?::\d+)?$/.exec(h);
  const name = bracketed?.[1] ?? (isIP(h) === 6 ? h : h.replace(/:\d+$/, ''));
  return name.replace(/\.$/, '');
}

/** Names a Host header may carry besides IP literals and localhost. */
export function allowedHostNames(machineHostname: string, configured: readonly string[] = []): Set<string> {
  const names = new Set<string>();
  const full = machineHostname.toLowerCase().replace(/\.$/, '');
  if (full !== '') {
    names.add(full);
    names.add(full.split('.')[0] ?? full);
  }
  for (const n of configured) names.add(hostHeaderName(n));
  return names;
}

/**
 * DNS rebinding defence: a web page that rebinds its own name to 127.0.0.1
 * still sends that name in Host. Accept IP literals (rebinding needs a name),
 * localhost, this machine's hostname and the configured names.
 * Returns why the request is refused, or null.
 */
export function hostRefusal(hostHeader: string | undefined, allowed: ReadonlySet<string>): string | null {
  if (hostHeader === undefined || hostHeader.trim() === '') return 'a Host header is required';
  const name = hostHeaderName(hostHeader);
  if (isIP(name) !== 0 || name === 'localhost' || allowed.has(name)) return null;
  return `Host '${name.slice(0, 80)}' is not allowed: connect by IP address or start the agent with --allow-host ${name.slice(0, 80)}`;
}

/**
 * Browsers always send Origin and cannot forge it; tmon and scripts send none.
 * A browser page may only connect from the agent's own origin (same host and
 * port as the Host header), never from another site. Returns why refused, or null.
 */
export function originRefusal(origin: string | undefined, hostHeader: string | undefined): string | null {
  if (origin === undefined) return null;
  let originHost: string;
  try {
    originHost = new URL(origin).host.toLowerCase();
  } catch {
    return 'the Origin header is not a URL';
  }
  const host = (hostHeader ?? '').trim().toLowerCase();
  if (originHost !== '' && originHost === host) return null;
  return `Origin '${origin.slice(0, 80)}' is not this agent: web pages may not connect`;
}
