import { randomBytes } from 'node:crypto';
import { realClock, type Clock } from '../core/clock.js';

export interface SessionLimits {
  /** Sessions held at once; a new login past it ends the oldest. */
  maxSessions: number;
  /** How long a session lasts from its login. */
  ttlMs: number;
}

export const DEFAULT_SESSION_LIMITS: SessionLimits = { maxSessions: 32, ttlMs: 12 * 3600_000 };

/**
 * Browser sessions: a browser cannot set Authorization on a WebSocket, so the page
 * trades the token once (POST /session) for a random id in an HttpOnly cookie.
 * Only the ids and their expiry are kept, bounded in number; nothing is stored on disk,
 * so a restarted agent asks again. Ids are 256 random bits: a lookup's timing cannot
 * guide a guess.
 */
export class BrowserSessions {
  /** id → expiry (ms since epoch); a Map keeps creation order, so the first entry is the oldest. */
  private readonly expiries = new Map<string, number>();

  constructor(
    readonly limits: SessionLimits = DEFAULT_SESSION_LIMITS,
    private readonly clock: Clock = realClock,
    private readonly newId: () => string = () => randomBytes(32).toString('base64url'),
  ) {}

  /** A new session's id. */
  create(): string {
    const now = this.clock.now();
    for (const [id, expiry] of this.expiries) if (expiry <= now) this.expiries.delete(id);
    while (this.expiries.size >= this.limits.maxSessions) {
      const oldest = this.expiries.keys().next().value;
      if (oldest === undefined) break;
      this.expiries.delete(oldest);
    }
    const id = this.newId();
    this.expiries.set(id, now + this.limits.ttlMs);
    return id;
  }

  /** Whether any of `ids` is a live session. */
  valid(ids: readonly string[]): boolean {
    const now = this.clock.now();
    return ids.some((id) => {
      const expiry = this.expiries.get(id);
      if (expiry === undefined) return false;
      if (expiry > now) return true;
      this.expiries.delete(id);
      return false;
    });
  }

  get size(): number {
    return this.expiries.size;
  }
}

/**
 * The session cookie's name. Cookies ignore ports, so two agents on one host would
 * overwrite each other's under one name: the agent's port is part of it.
 */
export function sessionCookieName(port: number | undefined): string {
  return `tmon_session_${port ?? 0}`;
}

/** Every value the Cookie header gives `name` (a browser may send the same name twice, for different paths). */
export function cookieValues(header: string | undefined, name: string): string[] {
  if (header === undefined) return [];
  const out: string[] = [];
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === name) out.push(part.slice(eq + 1).trim());
  }
  return out;
}

/** The Set-Cookie value for a new session: HttpOnly, SameSite=Strict, Secure under TLS, gone with its session. */
export function sessionCookie(name: string, id: string, limits: SessionLimits, secure: boolean): string {
  const attrs = [`${name}=${id}`, 'Path=/', 'HttpOnly', 'SameSite=Strict', `Max-Age=${Math.floor(limits.ttlMs / 1000)}`];
  if (secure) attrs.push('Secure');
  return attrs.join('; ');
}
