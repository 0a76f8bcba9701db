import type { Sample } from '../core/sample.js';
import type { SampleSource } from '../core/source.js';

/**
 * The same source, with `onSample` called for each sample as it passes
 * (e.g. to record it); a throw from `onSample` goes to `onError`. Every other property and method goes to the original
 * object itself, so state such as an agent's interval stays in one place.
 */
export function tapSource<S extends SampleSource>(
  source: S,
  onSample: (sample: Sample) => void,
  onError: (err: unknown) => void,
): S {
  async function* samples(): AsyncGenerator<Sample> {
    for await (const sample of source.samples()) {
      // What the tap does (recording) must never stop the stream it taps.
      try {
        onSample(sample);
      } catch (err) {
        onError(err);
      }
      yield sample;
    }
  }
  return new Proxy(source, {
    get(target, prop) {
      if (prop === 'samples') return samples;
      const value: unknown = Reflect.get(target, prop, target);
      return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value;
    },
  });
}
