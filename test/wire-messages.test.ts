import { describe, expect, it } from 'vitest';
import { decodeAgentMessage, decodeViewerMessage } from '../src/protocol/wire-decode.js';
import {
  PROTOCOL_VERSION,
  encodeMessage,
  encodeSample,
  historyMessageFromEncoded,
  historyRequest,
  sampleMessageFromEncoded,
  setIntervalRequest,
  spikesRequest,
} from '../src/protocol/wire-messages.js';
import { makeProcess, makeSample } from './helpers/make-sample.js';

const a = makeSample({ time: 1000, processes: [makeProcess({ pid: 1, name: 'init' })] });
const b = makeSample({ time: 2000 });

describe('wire messages', () => {
  it('builds a sample message from one encoded sample', () => {
    expect(decodeAgentMessage(sampleMessageFromEncoded(encodeSample(a)))).toEqual({ type: 'sample', sample: a });
  });

  it('builds history chunks, empty or not', () => {
    expect(decodeAgentMessage(historyMessageFromEncoded(7, [encodeSample(a), encodeSample(b)], false))).toEqual({
      type: 'history', id: 7, samples: [a, b], done: false,
    });
    expect(decodeAgentMessage(historyMessageFromEncoded(8, [], true))).toEqual({ type: 'history', id: 8, samples: [], done: true });
  });

  it('stamps viewer messages with the protocol version the agent checks', () => {
    expect(historyRequest(1, 0, 5)).toEqual({ v: PROTOCOL_VERSION, type: 'history-request', id: 1, from: 0, to: 5 });
    expect(decodeViewerMessage(encodeMessage(historyRequest(1, 0, 5)))).toEqual(historyRequest(1, 0, 5));
    expect(decodeViewerMessage(encodeMessage(setIntervalRequest(null)))).toEqual(setIntervalRequest(null));
    expect(decodeViewerMessage(encodeMessage(spikesRequest(2, 0, 5)))).toEqual({ v: PROTOCOL_VERSION, type: 'spikes-request', id: 2, from: 0, to: 5 });
  });

  it('marks an archive history request, and leaves a plain one exactly as it was', () => {
    expect(encodeMessage(historyRequest(1, 0, 5, { archive: false }))).toBe(encodeMessage(historyRequest(1, 0, 5)));
    expect(encodeMessage(historyRequest(1, 0, 5))).not.toContain('archive');
    expect(decodeViewerMessage(encodeMessage(historyRequest(3, 0, 5, { archive: true })))).toEqual({ ...historyRequest(3, 0, 5), archive: true });
  });
});
