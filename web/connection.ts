import type { Sample } from '../src/core/sample.js';
import { decodeAgentMessage } from '../src/protocol/wire-decode.js';
import { HISTORY_END, encodeMessage, historyRequest, type HelloMessage } from '../src/protocol/wire-messages.js';

export interface ConnectionEvents {
  hello(msg: HelloMessage): void;
  /** Samples in time order: the history first, then live ones. */
  samples(samples: readonly Sample[]): void;
  status(text: string): void;
  /** The link closed; `opened` says whether it ever carried a hello. */
  closed(opened: boolean): void;
}

const HISTORY_ID = 1;

/**
 * One WebSocket to the agent that served the page (the session cookie goes with the
 * upgrade). On hello it asks for the agent's whole history in memory, as
 * `tmon connect` does, and holds live samples back until the history is in.
 */
export function connect(events: ConnectionEvents): WebSocket {
  const scheme = location.protocol === 'https:' ? 'wss:' : 'ws:';
  const ws = new WebSocket(`${scheme}//${location.host}/`);
  let opened = false;
  let catchingUp = true;
  let history: Sample[] = [];
  const held: Sample[] = [];
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
        events.samples([...history, ...held]);
        history = [];
        held.length = 0;
      }
    } else if (msg.type === 'sample') {
      if (catchingUp) held.push(msg.sample);
      else events.samples([msg.sample]);
    } else if (msg.type === 'error') {
      events.status(`agent: ${msg.message}`);
    }
  });
  ws.addEventListener('close', () => events.closed(opened));
  return ws;
}
