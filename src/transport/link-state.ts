import { CloseCode, PROTOCOL_VERSION } from '../protocol/wire-messages.js';
import { tmonVersion } from '../version.js';

/** What a viewer's link to one agent is doing, as the overview shows it. */
export type LinkState = 'connecting' | 'live' | 'reconnecting' | 'auth-failed' | 'unreachable' | 'version-mismatch' | 'closed';

/** Why a connection attempt or an established link ended. */
export type LinkFailure =
  /** A socket, DNS or TLS error (err.code is Node's, e.g. ECONNREFUSED, DEPTH_ZERO_SELF_SIGNED_CERT). */
  | { kind: 'socket'; code: string | undefined; message: string }
  /** The agent answered the upgrade with a plain HTTP status. */
  | { kind: 'http'; status: number; body: string }
  | { kind: 'closed'; code: number; reason: string }
  /** The agent sent an `error` message before closing. */
  | { kind: 'agent-error'; code: number; message: string }
  | { kind: 'version'; agentProtocol: unknown; agentVersion: string | undefined }
  /** The agent sent something that is not valid protocol. */
  | { kind: 'protocol'; message: string }
  /** Nothing heard, not even a heartbeat ping, for this long. */
  | { kind: 'silent'; ms: number };

export interface LinkVerdict {
  /** One line for the person at the keyboard. */
  message: string;
  /** Whether trying again can help; auth and version failures need the person to act. */
  retry: boolean;
  /** The state to show when retry is false. */
  finalState?: 'auth-failed' | 'version-mismatch';
}

const CERT_UNTRUSTED = new Set([
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'CERT_UNTRUSTED',
]);
/** What a TLS client reads when the other end answers in plain text. */
const TLS_NOT_SPOKEN = new Set(['EPROTO', 'ERR_SSL_WRONG_VERSION_NUMBER', 'ERR_SSL_PACKET_LENGTH_TOO_LONG']);
const UNREACHABLE = new Set(['EHOSTUNREACH', 'ENETUNREACH', 'EHOSTDOWN', 'ENETDOWN']);
const UNKNOWN_HOST = new Set(['ENOTFOUND', 'EAI_AGAIN', 'EAI_NONAME', 'EAI_FAIL']);

function socketMessage(label: string, host: string, tls: boolean, code: string | undefined, message: string, wasLive: boolean): string {
  if (code === 'ECONNREFUSED') return `cannot reach ${label}: connection refused (is tmon agent running there?)`;
  if (code !== undefined && UNKNOWN_HOST.has(code)) return `cannot reach ${label}: unknown host ${host} (check the name)`;
  if (code !== undefined && UNREACHABLE.has(code)) return `cannot reach ${label}: no route to the host (check the address and network)`;
  // ws gives its handshake timeout no code: its words are all there is to go by.
  if (code === 'ETIMEDOUT' || (code === undefined && /handshake has timed out/i.test(message))) {
    return `cannot reach ${label}: no answer in time (check the address, the port and any firewall)`;
  }
  if (code !== undefined && CERT_UNTRUSTED.has(code)) {
    return `cannot verify the TLS certificate of ${label} (${code}): if it is self-signed, use --ca FILE with the agent's certificate`;
  }
  if (code === 'ERR_TLS_CERT_ALTNAME_INVALID') {
    return `the TLS certificate of ${label} is not issued for ${host}: connect by a name or address the certificate lists`;
  }
  if (code === 'CERT_HAS_EXPIRED') return `the TLS certificate of ${label} has expired: renew it on the agent`;
  if (tls && code !== undefined && TLS_NOT_SPOKEN.has(code)) {
    return `TLS handshake with ${label} failed: the agent is not using TLS (connect with ws:// and without --tls)`;
  }
  // Node's "socket hang up" carries ECONNRESET too.
  if (!wasLive && !tls && code === 'ECONNRESET') {
    return `${label} closed the connection during the handshake: if the agent uses TLS, connect with wss://${label} or --tls`;
  }
  return wasLive ? `lost connection to ${label}: ${message}` : `cannot reach ${label}: ${message}`;
}

function versionMessage(label: string, agentProtocol: unknown, agentVersion: string | undefined): string {
  return (
    `${label} runs tmon ${agentVersion ?? '(unknown version)'} speaking protocol ${String(agentProtocol)}; ` +
    `this tmon ${tmonVersion()} speaks protocol ${PROTOCOL_VERSION}: install the same tmon version on both ends`
  );
}

function seconds(ms: number): string {
  return ms < 10_000 ? (ms / 1000).toFixed(1) : String(Math.round(ms / 1000));
}

/** Turns how a link ended into one line for the person and whether to try again. */
export function describeFailure(target: { label: string; host: string; tls: boolean }, failure: LinkFailure, wasLive: boolean): LinkVerdict {
  const { label, host, tls } = target;
  switch (failure.kind) {
    case 'socket':
      return { message: socketMessage(label, host, tls, failure.code, failure.message, wasLive), retry: true };
    case 'http':
      if (failure.status === 401) return { message: `authentication failed for ${label} (check --token)`, retry: false, finalState: 'auth-failed' };
      if (failure.status === 403) return { message: `${label} refused this viewer: ${failure.body || 'forbidden'}`, retry: true };
      if (failure.status === 503) return { message: `${label} is busy: ${failure.body || 'try again later'}`, retry: true };
      if (failure.status === 400 && !tls && /https|tls|ssl/i.test(failure.body)) {
        return { message: `${label} speaks TLS: connect with wss://${label} or --tls`, retry: true };
      }
      return { message: `${label} answered HTTP ${failure.status}, not a tmon agent handshake: is that the right port?`, retry: true };
    case 'version':
      return { message: versionMessage(label, failure.agentProtocol, failure.agentVersion), retry: false, finalState: 'version-mismatch' };
    case 'agent-error':
      if (failure.code === CloseCode.wrongVersion) {
        return { message: `${label}: ${failure.message}; install the same tmon version on both ends`, retry: false, finalState: 'version-mismatch' };
      }
      return { message: `${label} closed the link: ${failure.message} (code ${failure.code})`, retry: true };
    case 'closed':
      if (failure.code === CloseCode.goingAway) return { message: `lost connection to ${label}: the agent stopped`, retry: true };
      if (failure.code === CloseCode.wrongVersion) {
        return { message: `${label}: ${failure.reason || 'protocol version mismatch'}`, retry: false, finalState: 'version-mismatch' };
      }
      if (failure.code === 1006) {
        return wasLive
          ? { message: `lost connection to ${label}: the link dropped`, retry: true }
          : { message: `${label} closed the connection during the handshake`, retry: true };
      }
      return { message: `${label} closed the link${failure.reason ? `: ${failure.reason}` : ''} (code ${failure.code})`, retry: true };
    case 'protocol':
      return { message: `${label} sent an invalid message (${failure.message})`, retry: true };
    case 'silent':
      return { message: `lost connection to ${label}: nothing heard for ${seconds(failure.ms)} s`, retry: true };
  }
}

/** Exponential backoff with equal jitter: attempt 0 waits 0.5–1× initialMs, doubling up to maxMs. */
export function backoffDelay(attempt: number, initialMs: number, maxMs: number, random: () => number = Math.random): number {
  const base = Math.min(maxMs, initialMs * 2 ** Math.min(attempt, 30));
  return base / 2 + random() * (base / 2);
}
