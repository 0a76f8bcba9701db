import { UsageError } from '../core/errors.js';

export const DEFAULT_LISTEN = '127.0.0.1:7654';

/** "127.0.0.1:7654", "0.0.0.0:7654", "[::1]:7654", ":7654" (all addresses) → host and port; port 0 picks a free one. */
export function parseListen(text: string): { host: string; port: number } {
  const m = /^(\[[0-9a-fA-F:.]+\]|[^\s:[\]]*):(\d{1,5})$/.exec(text.trim());
  const port = Number(m?.[2]);
  if (!m || port > 65535) {
    throw new UsageError(`--listen must be HOST:PORT (e.g. 127.0.0.1:7654, 0.0.0.0:7654, [::1]:7654), got '${text}'`);
  }
  const host = (m[1] ?? '').replace(/^\[|\]$/g, '');
  return { host: host === '' ? '0.0.0.0' : host, port };
}
