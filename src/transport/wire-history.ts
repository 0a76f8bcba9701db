import { LruCache } from '../core/lru-cache.js';
import type { Sample } from '../core/sample.js';
import { encodeSample } from '../protocol/wire-messages.js';
import { roundDeep, roundForWireDeep } from '../protocol/wire-sample.js';
import { MemoryTimeline } from '../store/memory-timeline.js';

/** JSON of recently sent samples kept: every viewer is sent the same newest ones. */
const JSON_KEPT = 8;

/**
 * The agent's backfill history: the newest `capacity` samples with the wire's
 * selection of processes, in the one memory store, encoded as a recording
 * encodes them. A sample's JSON (numbers rounded as toWireSample rounds them)
 * is made only when a viewer asks for it, live or in a history reply, so an
 * agent nobody watches never serialises a sample; the newest few are kept,
 * since every viewer is sent the same.
 */
export class WireHistory extends MemoryTimeline {
  private readonly json = new LruCache<number, string>(JSON_KEPT);

  /** The sample's JSON as sent, undefined outside [0, length). */
  jsonAt(index: number): string | undefined {
    const time = this.timeAt(index);
    if (time === undefined) return undefined;
    let json = this.json.get(time);
    if (json === undefined) {
      const sample = this.at(index) as Sample;
      // A decoded sample's numbers are whole quanta (12.3, never 12.300000001): only its omitted summary, kept aside, needs rounding.
      const decoded = index < this.encodedLength;
      json = encodeSample(!decoded ? roundForWireDeep(sample) : sample.omitted ? { ...sample, omitted: roundDeep(sample.omitted) } : sample);
      // Only the newest are asked for again and again; a backfill's older samples would push them out.
      if (index >= this.length - JSON_KEPT) this.json.set(time, json);
    }
    return json;
  }
}
