import { spawn } from 'node:child_process';
import { isAbsolute } from 'node:path';
import { UserError, errorMessage } from '../core/errors.js';
import { sha256Hex } from './short-hash.js';

/** Where notifications go: `--notify URL`. */
export type NotifyTarget =
  | { kind: 'smtp'; url: string; host: string; port: number; secure: boolean; user?: string; pass?: string; from: string; to: string[]; requireTls: boolean }
  | { kind: 'webhook'; url: string; endpoint: string; user?: string; pass?: string }
  | { kind: 'exec'; url: string; path: string };

/** What a target is sent: the subject and text for mail, JSON for webhooks, the environment for exec. */
export interface OutgoingMessage {
  subject: string;
  text: string;
  json: Record<string, unknown>;
  env: Record<string, string>;
}

/** Longest a send may take before it counts as failed (the outbox retries it). */
const SEND_TIMEOUT_MS = 30_000;
const SECRET_PARAM = /pass|token|secret|key|auth/i;

/** The URL for logs: a password, and query values that look like secrets, as ***. */
export function maskUrl(text: string): string {
  if (text.startsWith('exec:')) return text;
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return text.replace(/\/\/([^:/@]*):[^@/]*@/, '//$1:***@');
  }
  if (url.password !== '') url.password = '***';
  const webhook = url.protocol === 'https:' || url.protocol === 'http:';
  // A webhook's secret is often in its path (/services/T…/B…/SECRET) or its query: past the first segment, neither is shown.
  for (const key of [...url.searchParams.keys()]) if (webhook || SECRET_PARAM.test(key)) url.searchParams.set(key, '***');
  const segments = url.pathname.split('/');
  if (webhook && segments.length > 2) url.pathname = `/${segments[1] ?? ''}/***`;
  return url.toString().replaceAll('%2A%2A%2A', '***');
}

/** A stable name for a target that holds no secret: what the outbox file keeps instead of the URL. */
export function targetKey(t: NotifyTarget): string {
  return sha256Hex(t.url).slice(0, 16);
}

/** `--notify URL` → a target; a URL it cannot use is one line saying what form it takes. */
export function parseNotifyUrl(text: string, hostname: string): NotifyTarget {
  if (text.startsWith('exec:')) {
    const path = text.slice('exec:'.length);
    if (!isAbsolute(path)) throw new UserError(`--notify ${text}: exec: takes an absolute path to a program, e.g. exec:/usr/local/bin/page-me`);
    return { kind: 'exec', url: text, path };
  }
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new UserError(`--notify ${maskUrl(text)} is not a URL: use smtp://, smtps://, https://, http:// or exec:/path`);
  }
  const user = url.username !== '' ? decodeURIComponent(url.username) : undefined;
  const pass = url.password !== '' ? decodeURIComponent(url.password) : undefined;
  const auth = { ...(user !== undefined ? { user } : {}), ...(pass !== undefined ? { pass } : {}) };
  if (url.protocol === 'http:' || url.protocol === 'https:') {
    const endpoint = new URL(url.toString());
    endpoint.username = '';
    endpoint.password = '';
    return { kind: 'webhook', url: text, endpoint: endpoint.toString(), ...auth };
  }
  if (url.protocol === 'smtp:' || url.protocol === 'smtps:') {
    const to = url.searchParams.getAll('to').flatMap((v) => v.split(',')).map((v) => v.trim()).filter((v) => v !== '');
    if (to.length === 0) throw new UserError(`--notify ${maskUrl(text)}: name the recipient, e.g. ${url.protocol}//mail.example.com?to=ops@example.com`);
    const secure = url.protocol === 'smtps:';
    return {
      kind: 'smtp',
      url: text,
      host: url.hostname.replace(/^\[|\]$/g, ''),
      port: url.port !== '' ? Number(url.port) : secure ? 465 : 587,
      secure,
      ...auth,
      from: url.searchParams.get('from') ?? `tmon@${hostname}`,
      to,
      // A password is never sent in clear: with one, STARTTLS is required unless the URL says starttls=no.
      requireTls: url.searchParams.get('starttls') === 'require' || (auth.user !== undefined && url.searchParams.get('starttls') !== 'no'),
    };
  }
  throw new UserError(`--notify ${maskUrl(text)}: use smtp://, smtps://, https://, http:// or exec:/path`);
}

/** Sends one message to one target; rejects when it was not accepted (the caller retries). */
export async function sendTo(t: NotifyTarget, m: OutgoingMessage): Promise<void> {
  switch (t.kind) {
    case 'smtp':
      return sendMail(t, m);
    case 'webhook':
      return postJson(t, m);
    case 'exec':
      return runProgram(t, m);
  }
}

/** A target's answer that a retry would not change (HTTP 4xx but 408 and 429, an SMTP 5xx): the message is dropped. */
export class RefusedError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'RefusedError';
  }
}

async function sendMail(t: Extract<NotifyTarget, { kind: 'smtp' }>, m: OutgoingMessage): Promise<void> {
  // Loaded at the first mail: an agent without smtp:// targets never loads it.
  const { createTransport } = await import('nodemailer');
  const transport = createTransport({
    host: t.host,
    port: t.port,
    // smtps: TLS from the start; smtp: STARTTLS whenever the server offers it (required with ?starttls=require).
    secure: t.secure,
    requireTLS: t.requireTls,
    ...(t.user !== undefined ? { auth: { user: t.user, pass: t.pass ?? '' } } : {}),
    connectionTimeout: 10_000,
    greetingTimeout: 10_000,
    socketTimeout: SEND_TIMEOUT_MS,
  });
  try {
    await transport.sendMail({ from: t.from, to: t.to, subject: m.subject, text: m.text });
  } catch (err) {
    const code = (err as { responseCode?: unknown }).responseCode;
    throw typeof code === 'number' && code >= 500 ? new RefusedError(errorMessage(err)) : err;
  } finally {
    transport.close();
  }
}

/** Header values must be Latin-1 for fetch: anything else becomes '?'. */
function headerSafe(text: string): string {
  return text.replace(/[^\x20-\x7e]/g, '?');
}

async function postJson(t: Extract<NotifyTarget, { kind: 'webhook' }>, m: OutgoingMessage): Promise<void> {
  const headers: Record<string, string> = { 'content-type': 'application/json', title: headerSafe(m.subject) };
  if (t.user !== undefined) headers['authorization'] = `Basic ${Buffer.from(`${t.user}:${t.pass ?? ''}`).toString('base64')}`;
  const res = await fetch(t.endpoint, { method: 'POST', headers, body: JSON.stringify(m.json), signal: AbortSignal.timeout(SEND_TIMEOUT_MS), redirect: 'error' });
  await res.body?.cancel();
  if (res.ok) return;
  const permanent = res.status >= 400 && res.status < 500 && res.status !== 408 && res.status !== 429;
  throw permanent ? new RefusedError(`HTTP ${res.status}`) : new Error(`HTTP ${res.status}`);
}

/** The program with no arguments and no shell; the values only in its environment. */
function runProgram(t: Extract<NotifyTarget, { kind: 'exec' }>, m: OutgoingMessage): Promise<void> {
  const keep = ['PATH', 'HOME', 'LANG', 'TZ'].flatMap((k): [string, string][] => (process.env[k] !== undefined ? [[k, process.env[k] as string]] : []));
  return new Promise((resolve, reject) => {
    // SIGKILL: a program that ignores SIGTERM must not hold the queue forever.
    const child = spawn(t.path, [], { env: { ...Object.fromEntries(keep), ...m.env }, stdio: 'ignore', timeout: SEND_TIMEOUT_MS, killSignal: 'SIGKILL', shell: false });
    child.once('error', (err) => reject(new Error(errorMessage(err))));
    child.once('exit', (code, signal) => {
      if (code === 0) resolve();
      else reject(new Error(signal !== null ? `ended by ${signal}` : `exited with ${code}`));
    });
  });
}
