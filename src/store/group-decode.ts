import type { HostFacts, Sample } from '../core/sample.js';
import { errorMessage } from '../core/errors.js';
import { FrameType, MAX_GROUP_BODIES, MAX_SAMPLE_BODY, parseFrame, sampleTime, validTime } from './record-format.js';
import { GroupDecompressor } from './group-compression.js';
import { SampleDecoder } from './sample-codec.js';

export interface DecodedGroup {
  /** The group's samples in order; shorter than the index said when the group turned out damaged. */
  samples: Sample[];
  /** Set when decoding stopped early. */
  problem?: string;
}

/**
 * Decodes the samples of one keyframe group from its bytes (KEY frame first;
 * SPIKE and unknown frames in between are skipped). Stops at the first frame
 * that fails its checksum or does not decode: later DELTAs depend on it.
 * Inflating is bounded per sample and per group, so a bomb costs its group.
 */
export function decodeGroup(bytes: Buffer, offset: number, host: HostFacts): DecodedGroup {
  const decoder = new SampleDecoder(host);
  const inflate = new GroupDecompressor();
  const samples: Sample[] = [];
  /** Inflated bytes the rest of the group may take. */
  let budget = MAX_GROUP_BODIES;
  let at = 0;
  while (at < bytes.length) {
    const parse = parseFrame(bytes, at, offset);
    if (parse.kind !== 'frame') return { samples, problem: `damaged frame at offset ${offset + at}` };
    const f = parse.frame;
    if (f.type === FrameType.KEY || f.type === FrameType.DELTA) {
      const key = f.type === FrameType.KEY;
      if (key !== (samples.length === 0)) return { samples, problem: `unexpected ${key ? 'keyframe' : 'delta'} at offset ${offset + at}` };
      const time = sampleTime(f.payload);
      if (!validTime(time)) return { samples, problem: `sample with an invalid time at offset ${offset + at}` };
      try {
        if (key) inflate.reset();
        const body = inflate.decompress(f.codec, f.payload.subarray(8), Math.min(MAX_SAMPLE_BODY, budget));
        budget -= body.length;
        samples.push(decoder.decode(body, time, key));
      } catch (err) {
        return { samples, problem: `undecodable sample at offset ${offset + at} (${errorMessage(err)})` };
      }
    }
    at = f.end - offset;
  }
  return { samples };
}
