import type { HostFacts, Sample } from '../core/sample.js';
import type { Spike } from '../core/spike.js';
import type { AlertsReport } from './alerts-report.js';

/**
 * The agent ⇄ viewer wire protocol: one JSON object per WebSocket text frame.
 * Bump PROTOCOL_VERSION whenever a message changes shape or meaning; agent and
 * viewer must speak the same version.
 */
export const PROTOCOL_VERSION = 1;

/** The largest `to` a viewer can ask for: "up to the newest sample", whatever the agent's clock says. */
export const HISTORY_END = Number.MAX_SAFE_INTEGER;

/**
 * The most samples one history request with `archive: true` is answered with,
 * oldest first: 2 hours at 1 s. A viewer wanting more asks again from the last
 * time + 1. It bounds what one request costs the agent (decoding stored groups).
 */
export const ARCHIVE_MAX_SAMPLES = 7200;

/** The most spikes one `spikes` reply carries: the newest that match. */
export const ARCHIVE_MAX_SPIKES = 2000;

/**
 * WebSocket close codes. 4000–4999 are ours; an `error` message with the same
 * code precedes each of them. 1001 and 1009 are standard (1009 is sent by ws itself).
 */
export const CloseCode = {
  /** The agent is shutting down. */
  goingAway: 1001,
  /** A frame larger than the agent's maxPayloadBytes. */
  tooLarge: 1009,
  /** A bug on the side that closes: logged there, the other side may reconnect. */
  internalError: 1011,
  /** Not JSON, not an object, a binary frame, or a field of the wrong type. */
  malformed: 4000,
  unknownType: 4001,
  wrongVersion: 4002,
  /** More inbound messages per second than the agent allows. */
  rateLimited: 4003,
  /** The viewer read too slowly and fell out of what the agent can hold for it. */
  tooSlow: 4004,
  /** Allowed shape, refused use (e.g. too many history requests at once). */
  policy: 4008,
} as const;

export type CloseCodeValue = (typeof CloseCode)[keyof typeof CloseCode];

export interface AgentLimits {
  /** Fastest interval a viewer may ask for. */
  minIntervalMs: number;
  /** Slowest interval a viewer may ask for: the agent's own rate (viewers can only speed it up). */
  maxIntervalMs: number;
  /** Largest inbound frame the agent accepts. */
  maxPayloadBytes: number;
  /** How many samples the agent keeps for backfill. */
  historySamples: number;
  maxMessagesPerSec: number;
  /** The agent pings this often; silence for ~2.5 × this means the link is dead. */
  heartbeatMs: number;
}

/** What the agent holds right now: the range a history request can be answered from. */
export interface HistoryExtent {
  count: number;
  oldest: number | null;
  newest: number | null;
}

/** What the agent's store (`tmon agent --store DIR`) holds. */
export interface ArchiveExtent {
  /** Times of the first and last stored sample; null while the store holds none (or cannot be read). */
  oldest: number | null;
  newest: number | null;
  /** Spikes in the store's index. */
  spikes: number;
  /** The most samples one archive history request returns (ARCHIVE_MAX_SAMPLES). */
  maxSamples: number;
}

export interface HelloMessage {
  type: 'hello';
  protocolVersion: number;
  agentVersion: string;
  /** Null only in the first interval after the agent started, before its first sample. */
  host: HostFacts | null;
  /** The interval the agent samples at now. */
  intervalMs: number;
  /** The agent's own interval, to which it returns when no viewer asks for a faster one. */
  baseIntervalMs: number;
  limits: AgentLimits;
  history: HistoryExtent;
  /** The agent's store, as it was when the viewer connected; null when it keeps none (or is older than stored history). */
  archive: ArchiveExtent | null;
}

export interface SampleMessage {
  type: 'sample';
  sample: Sample;
}

export interface HistoryMessage {
  type: 'history';
  /** The id of the history-request this answers. */
  id: number;
  samples: Sample[];
  /** False while more chunks of the same reply follow. */
  done: boolean;
}

/** Sent to every viewer when the agent's sampling interval changes. */
export interface IntervalMessage {
  type: 'interval';
  intervalMs: number;
}

export interface ErrorMessage {
  type: 'error';
  code: number;
  message: string;
}

/** Answers a spikes-request from the store's spike index. */
export interface SpikesMessage {
  type: 'spikes';
  id: number;
  /** Stored spikes overlapping the requested range, in start order (at most ARCHIVE_MAX_SPIKES, the newest, with newerSpikes). */
  spikes: Spike[];
  /**
   * Those of metrics added since protocol 1 (latency), in start order: a viewer from before
   * refuses a spike of a metric it does not know, and ignores this field (core/spike.ts).
   */
  newerSpikes?: Spike[];
  /** The store now; null when the agent keeps none. */
  archive: ArchiveExtent | null;
  /** Why the store could not be read, when it could not (the link stays up). */
  problem?: string;
}

/**
 * The agent's alert rules and those firing now (what GET /alerts serves), sent
 * right after hello and again whenever a rule fires or resolves; only to a
 * viewer that asked for it with ALERTS_QUERY on its upgrade URL, since viewers
 * from before it drop the link on a message type they do not know.
 */
export interface AlertsMessage {
  type: 'alert';
  /** Time of the newest sample the rules were evaluated on (for a change, the sample that made it); null before the first. */
  at: number | null;
  alerts: AlertsReport;
}

export type AgentMessage = HelloMessage | SampleMessage | HistoryMessage | IntervalMessage | SpikesMessage | AlertsMessage | ErrorMessage;

/** On the upgrade URL (`ws://host:port/?alerts=1`), a viewer asks for `alert` messages; agents from before them ignore it. */
export const ALERTS_QUERY = 'alerts=1';

/** Whether a viewer's upgrade request path asks for `alert` messages. */
export function wantsAlerts(path: string | undefined): boolean {
  const query = (path ?? '').split('?')[1] ?? '';
  return query.split('&').includes(ALERTS_QUERY);
}

/** Samples with from ≤ time ≤ to, oldest first, in one or more `history` chunks. */
export interface HistoryRequest {
  v: number;
  type: 'history-request';
  id: number;
  from: number;
  to: number;
  /**
   * Also from the store: what is older than the history in memory comes from the
   * agent's recording, the rest from memory; at most ARCHIVE_MAX_SAMPLES in all.
   * Without it (or without a store) only memory answers.
   */
  archive?: boolean;
}

/** The stored spikes that overlap [from, to] (start ≤ to and end ≥ from, ongoing ones included). */
export interface SpikesRequest {
  v: number;
  type: 'spikes-request';
  id: number;
  from: number;
  to: number;
}

/** Ask for faster sampling while watching; null withdraws the request. */
export interface SetIntervalRequest {
  v: number;
  type: 'set-interval';
  intervalMs: number | null;
}

export type ViewerMessage = HistoryRequest | SpikesRequest | SetIntervalRequest;

export function encodeMessage(msg: AgentMessage | ViewerMessage): string {
  return JSON.stringify(msg);
}

/** One sample's JSON, so the agent encodes each sample once however many messages carry it. */
export function encodeSample(sample: Sample): string {
  return JSON.stringify(sample);
}

export function sampleMessageFromEncoded(encodedSample: string): string {
  return `{"type":"sample","sample":${encodedSample}}`;
}

export function historyMessageFromEncoded(id: number, encodedSamples: readonly string[], done: boolean): string {
  return `{"type":"history","id":${JSON.stringify(id)},"done":${done},"samples":[${encodedSamples.join(',')}]}`;
}

export function historyRequest(id: number, from: number, to: number, opts: { archive?: boolean } = {}): HistoryRequest {
  // The field only when set: a plain request stays exactly what it always was.
  return { v: PROTOCOL_VERSION, type: 'history-request', id, from, to, ...(opts.archive === true ? { archive: true } : {}) };
}

export function spikesRequest(id: number, from: number, to: number): SpikesRequest {
  return { v: PROTOCOL_VERSION, type: 'spikes-request', id, from, to };
}

export function setIntervalRequest(intervalMs: number | null): SetIntervalRequest {
  return { v: PROTOCOL_VERSION, type: 'set-interval', intervalMs };
}
