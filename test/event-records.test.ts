import { appendFileSync, readFileSync, truncateSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { deflateRawSync, inflateRawSync } from 'node:zlib';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { AlertEvent } from '../src/core/alert-event.js';
import { boundedAlertEvent, readEventPayload, readStoredEvent } from '../src/store/event-records.js';
import { Codec, FrameType, MAX_EVENT_PAYLOAD, encodeFrame, endPayload } from '../src/store/record-format.js';
import { readIndexOfFile } from '../src/store/recording-index.js';
import { openRecording } from '../src/store/recording-reader.js';
import { RecordingWriter } from '../src/store/recording-writer.js';
import { variedSamples } from './fixtures/store/varied-samples.js';
import { framesOf, stripTrailer, tempDir } from './fixtures/store/recording-files.js';

let tmp: ReturnType<typeof tempDir>;
beforeEach(() => {
  tmp = tempDir();
});
afterEach(() => tmp.cleanup());

const SAMPLES = variedSamples(30, { seed: 7 });
const t = (i: number): number => SAMPLES[i]!.time;

function alert(kind: AlertEvent['kind'], at: number, rule = 'process(apache2) absent for 30s'): AlertEvent {
  return {
    kind,
    rule,
    value: kind === 'firing' ? '0 processes matching apache2' : '1 process matching apache2',
    since: t(2),
    at,
    top: [{ pid: 42, name: 'apache2', user: 'www-data', cpu: 1.5, rss: 1 << 20 }],
  };
}

/** Samples with events between them, as the agent writes them: each after the sample that decided it. */
async function record(path: string, events: Map<number, AlertEvent[]>, keyframeEvery = 10): Promise<void> {
  const w = await RecordingWriter.create(path, { host: SAMPLES[0]!.host, intervalMs: 1000 }, { keyframeEvery });
  SAMPLES.forEach((s, i) => {
    w.append(s);
    for (const e of events.get(i) ?? []) w.addEvent(e);
  });
  await w.close();
}

async function read(path: string): Promise<{ events: AlertEvent[]; length: number; warnings: readonly string[]; samplesRead: number }> {
  const rec = await openRecording(path);
  try {
    return { events: rec.alertEvents(), length: rec.length, warnings: [...rec.warnings], samplesRead: rec.slice(0, rec.length).length };
  } finally {
    await rec.close();
  }
}

/** The frame bytes of an EVENT whose JSON is `json`. */
const eventFrame = (json: string): Buffer => encodeFrame(FrameType.EVENT, Codec.STORED, Buffer.from(json, 'utf8'));

describe('alert events in a recording', () => {
  it('are stored after the samples that decided them, read from the index and the same by scanning, samples intact', async () => {
    const path = join(tmp.dir, 'a.tmon');
    const fired = alert('firing', t(5));
    const resolved = alert('resolved', t(12));
    const other = alert('firing', t(12), 'memory > 90%');
    await record(path, new Map([[5, [fired]], [12, [resolved, other]]]));
    expect(framesOf(path).filter((f) => f.type === FrameType.EVENT)).toHaveLength(3);
    const fromIndex = await read(path);
    expect(fromIndex).toEqual({ events: [fired, resolved, other], length: 30, warnings: [], samplesRead: 30 });
    stripTrailer(path);
    expect(readIndexOfFile(path).source).toBe('scan');
    expect(await read(path)).toEqual(fromIndex);
  });

  it('are carried when a file is continued, its own and a later tmon’s events and frames kept', async () => {
    const path = join(tmp.dir, 'b.tmon');
    await record(path, new Map([[3, [alert('firing', t(3))]]]));
    stripTrailer(path);
    // What a later tmon might write: an event type and a frame type this one does not know.
    appendFileSync(path, Buffer.concat([eventFrame('{"type":"probe-flap","target":"tcp://x:1"}'), encodeFrame(9 as 1, Codec.STORED, Buffer.from('later'))]));
    const w = await RecordingWriter.create(path, { host: SAMPLES[0]!.host, intervalMs: 1000 });
    w.addEvent(alert('resolved', t(29)));
    await w.close();
    expect(framesOf(path).map((f) => f.type).filter((type) => type > FrameType.END)).toEqual([FrameType.EVENT, FrameType.EVENT, 9, FrameType.EVENT]);
    const index = readIndexOfFile(path);
    expect(index.source).toBe('trailer');
    expect(index.alerts.map((e) => e.kind)).toEqual(['firing', 'resolved']);
    expect(index.otherEvents).toEqual([{ type: 'probe-flap', target: 'tcp://x:1' }]);
    expect((await read(path)).warnings).toEqual([]);
  });

  it('skip a crafted or cut-off event record with one warning each, the rest of the file read', async () => {
    const path = join(tmp.dir, 'c.tmon');
    await record(path, new Map([[4, [alert('firing', t(4))]]]));
    stripTrailer(path);
    const crafted = [
      '{"type":"alert","kind":"firing","rule":"x","value"', // cut off
      JSON.stringify({ ...alert('firing', t(6)), type: 'alert', kind: 42 }),
      JSON.stringify({ ...alert('firing', t(6)), type: 'alert', at: -1 }),
      JSON.stringify({ ...alert('firing', t(6)), type: 'alert', rule: 'r'.repeat(3000) }),
      JSON.stringify({ ...alert('firing', t(6)), type: 'alert', top: [{ pid: -3, name: 'x', user: 'u', cpu: 1, rss: 1 }] }),
      JSON.stringify({ ...alert('firing', t(6)), type: 'alert', top: Array.from({ length: 21 }, () => ({ pid: 1, name: 'x', user: 'u', cpu: 1, rss: 1 })) }),
      '[1,2,3]',
      '"alert"',
      '{"kind":"firing"}',
      `{"type":"later","a":${'['.repeat(100_000)}${']'.repeat(100_000)}}`,
    ];
    appendFileSync(path, Buffer.concat(crafted.map(eventFrame)));
    const { events, warnings, samplesRead } = await read(path);
    expect(events).toEqual([alert('firing', t(4))]);
    expect(samplesRead).toBe(30);
    expect(warnings).toHaveLength(crafted.length);
    for (const w of warnings) expect(w).toMatch(/^.*c\.tmon: an unreadable event record at offset \d+ skipped$/);
  });

  it('a frame larger than an event may be, or a file cut inside one, is damage: a warning, never a crash', async () => {
    const path = join(tmp.dir, 'd.tmon');
    await record(path, new Map([[4, [alert('firing', t(4))]]]));
    stripTrailer(path);
    const huge = eventFrame(JSON.stringify({ ...alert('firing', t(8)), type: 'alert', value: 'v'.repeat(MAX_EVENT_PAYLOAD) }));
    appendFileSync(path, huge);
    const big = await read(path);
    expect(big.events).toHaveLength(1);
    expect(big.warnings.join('\n')).toMatch(/incomplete frame|damaged bytes/);
    truncateSync(path, readFileSync(path).length - huge.length);
    const last = eventFrame(JSON.stringify({ type: 'alert', ...alert('resolved', t(20)) }));
    appendFileSync(path, last.subarray(0, last.length - 5));
    const cut = await read(path);
    expect(cut.events).toEqual([alert('firing', t(4))]);
    expect(cut.warnings).toEqual([expect.stringMatching(/incomplete frame, skipped/)]);
  });

  it('an index whose events do not check out is not trusted: the file is scanned, each event frame read', async () => {
    const path = join(tmp.dir, 'e.tmon');
    await record(path, new Map([[4, [alert('firing', t(4))]]]));
    const frames = framesOf(path);
    const index = frames.find((f) => f.type === FrameType.INDEX)!;
    const stored = JSON.parse(inflateRawSync(index.payload).toString('utf8')) as Record<string, unknown>;
    // A later type nested deeper than JSON.stringify's stack: it could not be carried, so it is damage.
    const deep = `{"type":"later","a":${'['.repeat(100_000)}${']'.repeat(100_000)}}`;
    for (const events of [[{ type: 'alert', kind: 'firing' }], 'not a list', Array.from({ length: 100_000 }, () => ({ type: 'x' })), ['DEEP']]) {
      truncateSync(path, index.offset);
      const json = JSON.stringify({ ...stored, events }).replace('"DEEP"', deep);
      appendFileSync(path, encodeFrame(FrameType.INDEX, Codec.DEFLATE, deflateRawSync(Buffer.from(json))));
      appendFileSync(path, encodeFrame(FrameType.END, Codec.STORED, endPayload(index.offset)));
      const idx = readIndexOfFile(path);
      expect(idx.source).toBe('scan');
      expect(idx.alerts).toEqual([alert('firing', t(4))]);
      expect(idx.warnings[0]).toMatch(/its index does not match the file/);
    }
  });

  it('a file from before events (no events in its index) opens with none', async () => {
    const path = join(tmp.dir, 'f.tmon');
    await record(path, new Map());
    const index = framesOf(path).find((f) => f.type === FrameType.INDEX)!;
    expect(Object.keys(JSON.parse(inflateRawSync(index.payload).toString('utf8')) as object)).toEqual(['v', 'groups', 'spikes', 'warnings']);
    expect((await read(path)).events).toEqual([]);
  });
});

describe('event records', () => {
  it('an event is cut to what a reader accepts, so a very long rule still reads back', () => {
    const long = { ...alert('firing', 1000), rule: 'process(x) absent '.repeat(500), top: Array.from({ length: 30 }, (_, i) => ({ pid: i, name: 'n'.repeat(500), user: 'u', cpu: 0, rss: 0 })) };
    const cut = boundedAlertEvent(long);
    expect(cut.rule.length).toBeLessThan(long.rule.length);
    expect(cut.top).toHaveLength(20);
    expect(readStoredEvent({ type: 'alert', ...cut })).toEqual({ kind: 'alert', event: cut });
    expect(readStoredEvent({ type: 'alert', ...long }).kind).toBe('bad');
  });

  it('keeps a type or an alert kind it does not know as it is, and ignores a field it does not know inside an alert', () => {
    expect(readEventPayload(Buffer.from('{"type":"later","x":[1]}'))).toEqual({ kind: 'other', record: { type: 'later', x: [1] } });
    const withMore = { type: 'alert', ...alert('resolved', 5000), severity: 'page' };
    expect(readStoredEvent(withMore)).toEqual({ kind: 'alert', event: alert('resolved', 5000) });
    const acknowledged = { type: 'alert', ...alert('firing', 5000), kind: 'acknowledged' };
    expect(readStoredEvent(acknowledged)).toEqual({ kind: 'other', record: acknowledged });
    expect(readEventPayload(Buffer.from('{"type":""}')).kind).toBe('bad');
    expect(readEventPayload(Buffer.from([0xff, 0xfe, 0x00])).kind).toBe('bad');
  });

  it('a writer writes nothing to the index for an event whose frame was not written', async () => {
    const path = join(tmp.dir, 'g.tmon');
    let full = false;
    const w = await RecordingWriter.create(path, { host: SAMPLES[0]!.host, intervalMs: 1000 }, {
      onError: () => undefined,
      write: (fd, buf, off, len, pos) => {
        if (full) throw Object.assign(new Error('no space'), { code: 'ENOSPC' });
        return writeSync(fd, buf, off, len, pos);
      },
    });
    w.append(SAMPLES[0]!);
    full = true;
    w.addEvent(alert('firing', t(0)));
    full = false;
    w.addEvent(alert('resolved', t(0)));
    await w.close();
    expect((await read(path)).events.map((e) => e.kind)).toEqual(['resolved']);
  });
});
