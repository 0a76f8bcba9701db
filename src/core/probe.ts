import { parseDuration } from './units.js';

/** What a probe checks: a TCP port, an HTTP(S) URL, or a host's ICMP echo. */
export type ProbeKind = 'tcp' | 'http' | 'https' | 'ping';

export interface ProbeSpec {
  kind: ProbeKind;
  /** The target as the person wrote it (scheme, host, port, path): the probe's name everywhere. */
  target: string;
  host: string;
  /** tcp, http and https; ping has none. */
  port: number | null;
  /** http and https: the path and query sent. */
  path: string;
  /** http and https: HEAD unless `method=GET`. */
  method: 'HEAD' | 'GET';
  intervalMs: number;
  timeoutMs: number;
}

/** One probe's latest answer (its field table: core/probe-schema.ts). */
export interface ProbeResult {
  target: string;
  up: boolean;
  /** Round trip in ms: tcp connect time, http total time, ping round trip; absent when down. */
  ms?: number;
  /** http(s): ms to the first byte of the answer. */
  ttfbMs?: number;
  /** http(s): the status code, when an answer came. */
  status?: number;
  /** Why it is down, in a few words (sanitised where shown). */
  error?: string;
}

/** Why a probe text was refused; the CLI adds the flag's wording. */
export class ProbeSyntaxError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ProbeSyntaxError';
  }
}

const DEFAULT_INTERVAL_MS = 5000;
const DEFAULT_TIMEOUT_MS = 3000;
const MIN_INTERVAL_MS = 1000;
const MAX_INTERVAL_MS = 86_400_000;
const MIN_TIMEOUT_MS = 100;
/** Long enough for any URL a person types; a longer one is a mistake or an attack on the logs. */
export const MAX_PROBE_TEXT = 2048;
const KINDS: readonly ProbeKind[] = ['tcp', 'http', 'https', 'ping'];

/**
 * `URL [interval=10s] [timeout=2s] [method=GET]`, e.g. `tcp://127.0.0.1:10000`,
 * `https://example.com/health interval=30s`, `ping://db1`. The options follow the
 * URL after spaces, which a URL cannot hold.
 */
export function parseProbe(text: string): ProbeSpec {
  if (text.length > MAX_PROBE_TEXT) throw new ProbeSyntaxError(`longer than ${MAX_PROBE_TEXT} characters`);
  const [target = '', ...options] = text.trim().split(/\s+/);
  const scheme = /^([a-z]+):\/\//i.exec(target)?.[1]?.toLowerCase() ?? '';
  if (!KINDS.includes(scheme as ProbeKind)) throw new ProbeSyntaxError(`'${target}' needs one of tcp://, http://, https://, ping://`);
  const kind = scheme as ProbeKind;
  let url: URL;
  try {
    url = new URL(target);
  } catch {
    throw new ProbeSyntaxError(`'${target}' is not a URL`);
  }
  const host = url.hostname.replace(/^\[(.*)\]$/, '$1');
  if (host === '') throw new ProbeSyntaxError(`'${target}' names no host`);
  // The host reaches the ping command's argv: never as an option.
  if (host.startsWith('-')) throw new ProbeSyntaxError(`'${target}': a host cannot start with -`);
  const spec: ProbeSpec = {
    kind,
    target,
    host,
    port: portOf(kind, url, target),
    path: kind === 'http' || kind === 'https' ? `${url.pathname}${url.search}` : '',
    method: 'HEAD',
    intervalMs: DEFAULT_INTERVAL_MS,
    timeoutMs: DEFAULT_TIMEOUT_MS,
  };
  const explicit = options.map((option) => applyOption(spec, option));
  // A timeout left out fits inside a short interval; one asked for must.
  if (!explicit.includes('timeout')) spec.timeoutMs = Math.min(DEFAULT_TIMEOUT_MS, spec.intervalMs);
  if (spec.timeoutMs > spec.intervalMs) throw new ProbeSyntaxError(`timeout ${spec.timeoutMs} ms is longer than the interval ${spec.intervalMs} ms`);
  return spec;
}

function portOf(kind: ProbeKind, url: URL, target: string): number | null {
  if (kind === 'ping') {
    if (url.port !== '' || (url.pathname !== '/' && url.pathname !== '')) throw new ProbeSyntaxError(`'${target}': ping:// takes a host only`);
    return null;
  }
  if (url.port !== '') return Number(url.port);
  // URL takes 'host:' as the scheme's default port; a colon with nothing after it is a port left out.
  const authority = target.slice(target.indexOf('//') + 2).split(/[/?#]/, 1)[0] ?? '';
  if (authority.endsWith(':')) throw new ProbeSyntaxError(`'${target}' has ':' but no port after it`);
  if (kind === 'tcp') throw new ProbeSyntaxError(`'${target}' needs a port (tcp://host:port)`);
  return kind === 'https' ? 443 : 80;
}

/** Sets one `key=value` option; returns the key. */
function applyOption(spec: ProbeSpec, option: string): string {
  const [key = '', value = ''] = option.split('=', 2);
  if (key === 'interval' || key === 'timeout') {
    const ms = parseDuration(value);
    const [min, max] = key === 'interval' ? [MIN_INTERVAL_MS, MAX_INTERVAL_MS] : [MIN_TIMEOUT_MS, MAX_INTERVAL_MS];
    if (ms === null || ms < min || ms > max) throw new ProbeSyntaxError(`${key}=${value} is not a duration from ${min} ms to ${max / 3_600_000} h (e.g. ${key}=10s)`);
    if (key === 'interval') spec.intervalMs = ms;
    else spec.timeoutMs = ms;
    return key;
  }
  if (key === 'method' && (spec.kind === 'http' || spec.kind === 'https')) {
    if (value !== 'HEAD' && value !== 'GET') throw new ProbeSyntaxError(`method=${value}: HEAD or GET`);
    spec.method = value;
    return key;
  }
  throw new ProbeSyntaxError(`unknown option '${option}' (interval=, timeout=${spec.kind.startsWith('http') ? ', method=' : ''})`);
}
