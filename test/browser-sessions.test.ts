import { describe, expect, it } from 'vitest';
import { BrowserSessions, cookieValues, sessionCookie, sessionCookieName } from '../src/transport/browser-sessions.js';
import { ManualClock } from './helpers/manual-clock.js';

describe('BrowserSessions', () => {
  it('gives each login a random id of 256 bits that stays valid until it expires', () => {
    const clock = new ManualClock(1_000_000);
    const sessions = new BrowserSessions({ maxSessions: 4, ttlMs: 60_000 }, clock);
    const a = sessions.create();
    const b = sessions.create();
    expect(a).not.toBe(b);
    expect(Buffer.from(a, 'base64url')).toHaveLength(32);
    expect(sessions.valid([a])).toBe(true);
    expect(sessions.valid(['forged', b])).toBe(true);
    expect(sessions.valid(['forged'])).toBe(false);
    expect(sessions.valid([])).toBe(false);
    clock.advance(59_999);
    expect(sessions.valid([a])).toBe(true);
    clock.advance(1);
    expect(sessions.valid([a])).toBe(false);
    expect(sessions.size).toBe(1);
  });

  it('holds at most maxSessions: a new login ends the oldest, expired ones go first', () => {
    const clock = new ManualClock(0);
    let n = 0;
    const sessions = new BrowserSessions({ maxSessions: 3, ttlMs: 10_000 }, clock, () => `id${++n}`);
    const ids = Array.from({ length: 5 }, () => sessions.create());
    expect(sessions.size).toBe(3);
    expect(ids.map((id) => sessions.valid([id]))).toEqual([false, false, true, true, true]);
    clock.advance(10_000);
    sessions.create();
    expect(sessions.size).toBe(1);
  });
});

describe('session cookies', () => {
  it('are named for the agent’s port: two agents on one host keep their own', () => {
    expect(sessionCookieName(7654)).toBe('tmon_session_7654');
    expect(cookieValues('a=1; tmon_session_7654=x; tmon_session_7655=y;tmon_session_7654=z', 'tmon_session_7654')).toEqual(['x', 'z']);
    expect(cookieValues(undefined, 'tmon_session_7654')).toEqual([]);
    expect(cookieValues('tmon_session_76540=x', 'tmon_session_7654')).toEqual([]);
  });

  it('are HttpOnly, SameSite=Strict, last as long as the session, and Secure under TLS', () => {
    const limits = { maxSessions: 1, ttlMs: 3600_000 };
    expect(sessionCookie('tmon_session_1', 'abc', limits, false)).toBe('tmon_session_1=abc; Path=/; HttpOnly; SameSite=Strict; Max-Age=3600');
    expect(sessionCookie('tmon_session_1', 'abc', limits, true)).toMatch(/; Secure$/);
  });
});
