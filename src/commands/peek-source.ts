import { UserError } from '../core/errors.js';
import type { Sample } from '../core/sample.js';
import type { SampleSource } from '../core/source.js';

/**
 * Takes the first sample off a source (e.g. for the host facts a recording
 * header needs) and returns a source that yields it again, then the rest, so
 * nothing downstream misses it.
 */
export async function peekFirst(source: SampleSource): Promise<{ first: Sample; source: SampleSource }> {
  const it = source.samples()[Symbol.asyncIterator]();
  const head = await it.next();
  if (head.done) throw new UserError(`${source.label} ended before its first sample`);
  const first = head.value;
  async function* rest(): AsyncGenerator<Sample> {
    yield first;
    for (let r = await it.next(); !r.done; r = await it.next()) yield r.value;
  }
  return {
    first,
    source: { label: source.label, kind: source.kind, samples: rest, close: () => source.close() },
  };
}
