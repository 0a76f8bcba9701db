import type { Sample } from '../src/core/sample.js';
import { decodeAgentMessage } from '../src/protocol/wire-decode.js';
import type { AlertsReport } from '../src/protocol/alerts-report.js';
import { ALERTS_QUERY, HISTORY_END, encodeMessage, historyRequest, spikesRequest, type HelloMessage, type SpikesMessage } from '../src/protocol/wire-messages.js';

export interface ConnectionEvents {
  hello(msg: HelloMessage): void;
  /** Samples in time order: the history first, then live ones. */
  samples(samples: readonly Sample[]): void;
  /** The agent's alert rules and the firing ones, at once and at each change; null: the agent has no rules. */
  alerts(report: AlertsReport | null): void;
  status(text: string): void;
  /** The link closed; `opened` says whether it ever carried a hello. */
  closed(opened: boolean): void;
}

/** Requests to the agent's store (`--store`) over the link; both reject when the link closes first. */
export interface AgentLink {
  /** An archive history request: samples with from ≤ time ≤ to, stored then in memory, oldest first, at most the agent's limit. */
  history(from: number, to: number): Promise<Sample[]>;
  /** The store's spike index over [from, to]. */
  spikes(from: number, to: number): Promise<SpikesMessage>;
}

const HISTORY_ID = 1;

interface Pending {
  samples: Sample[];
  resolve(reply: Sample[] | SpikesMessage): void;
  reject(err: Error): void;
}

/**
 * One WebSocket to the agent that served the page (the session cookie goes with the
 * upgrade). On hello it asks for the agent's whole history in memory, as
 * `tmon connect` does, and holds live samples back until the history is in.
 * It asks for `alert` messages too: an agent with rules sends one right after
 * hello, so a history that ends before any came means the agent has none.
 */
export function connect(events: ConnectionEvents): AgentLink {
  const scheme = location.protocol === 'https:' ? 'wss:' : 'ws:';
  const ws = new WebSocket(`${scheme}//${location.host}/?${ALERTS_QUERY}`);
  let opened = false;
  let catchingUp = true;
  let sawAlerts = false;
  let history: Sample[] = [];
  const held: Sample[] = [];
  const pending = new Map<number, Pending>();
  let nextId = HISTORY_ID + 1;
  ws.addEventListener('message', (ev: MessageEvent<unknown>) => {
    if (typeof ev.data !== 'string') return;
    const msg = decodeAgentMessage(ev.data);
    if (msg.type === 'hello') {
      opened = true;
      events.hello(msg);
      ws.send(encodeMessage(historyRequest(HISTORY_ID, 0, HISTORY_END)));
    } else if (msg.type === 'history' && msg.id === HISTORY_ID) {
      history.push(...msg.samples);
      if (msg.done) {
        catchingUp = false;
        if (!sawAlerts) events.alerts(null);
        events.samples([...history, ...held]);
        history = [];
        held.length = 0;
      }
    } else if (msg.type === 'spikes') {
      pending.get(msg.id)?.resolve(msg);
      pending.delete(msg.id);
    } else if (msg.type === 'history') {
      const p = pending.get(msg.id);
      p?.samples.push(...msg.samples);
      if (p && msg.done) {
        pending.delete(msg.id);
        p.resolve(p.samples);
      }
    } else if (msg.type === 'sample') {
      if (catchingUp) held.push(msg.sample);
      else events.samples([msg.sample]);
    } else if (msg.type === 'alert') {
      sawAlerts = true;
      events.alerts(msg.alerts);
    } else if (msg.type === 'error') {
      events.status(`agent: ${msg.message}`);
    }
  });
  ws.addEventListener('close', () => {
    for (const p of pending.values()) p.reject(new Error('the link to the agent closed'));
    pending.clear();
    events.closed(opened);
  });
  function ask<T extends Sample[] | SpikesMessage>(message: (id: number) => string): Promise<T> {
    if (ws.readyState !== WebSocket.OPEN) return Promise.reject(new Error('not connected to the agent'));
    const id = nextId++;
    return new Promise<T>((resolve, reject) => {
      pending.set(id, { samples: [], resolve: resolve as (reply: Sample[] | SpikesMessage) => void, reject });
      ws.send(message(id));
    });
  }
  return {
    history: (from, to) => ask<Sample[]>((id) => encodeMessage(historyRequest(id, from, to, { archive: true }))),
    spikes: (from, to) => ask<SpikesMessage>((id) => encodeMessage(spikesRequest(id, from, to))),
  };
}
