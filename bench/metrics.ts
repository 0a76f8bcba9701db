/**
 * `npm run bench -- metrics`: what Prometheus costs the agent. Per sample, the
 * ScrapeMetrics bookkeeping every agent does; per scrape, building the families
 * and writing the text; and the series count — at 300 and 1000 processes, each
 * against the wire JSON of the same sample (what the agent makes for a viewer)
 * timed in the same run, since this machine is shared and noisy.
 */
import { performance } from 'node:perf_hooks';
import { ScrapeMetrics } from '../src/analysis/scrape-metrics.js';
import type { Sample } from '../src/core/sample.js';
import { exposition } from '../src/protocol/prometheus-text.js';
import { encodeSample } from '../src/protocol/wire-messages.js';
import { syntheticSample } from './agent.js';
import { fmt, median } from './support.js';

const ROUNDS = 9;
const PER_ROUND = 200;

/** A synthetic sample with `n` processes: the 300 of syntheticSample repeated with new pids and names. */
function withProcesses(i: number, n: number): Sample {
  const s = syntheticSample(i);
  const base = s.processes;
  const processes = Array.from({ length: n }, (_, k) => {
    const p = base[k % base.length] as Sample['processes'][number];
    return k < base.length ? p : { ...p, pid: p.pid + 100_000 * Math.floor(k / base.length), name: `${p.name}-${Math.floor(k / base.length)}` };
  });
  return { ...s, processes };
}

/** Median µs per call of `f` over ROUNDS rounds of PER_ROUND calls. */
function timed(f: (i: number) => void): number {
  const rounds: number[] = [];
  for (let r = 0; r < ROUNDS; r++) {
    const t = performance.now();
    for (let i = 0; i < PER_ROUND; i++) f(r * PER_ROUND + i);
    rounds.push(((performance.now() - t) * 1000) / PER_ROUND);
  }
  return median(rounds);
}

export async function bench(): Promise<string> {
  const rows: string[] = [];
  for (const n of [300, 1000]) {
    const samples = Array.from({ length: 60 }, (_, i) => withProcesses(i, n));
    const pick = (i: number): Sample => samples[i % samples.length] as Sample;
    const scrape = new ScrapeMetrics();
    for (const s of samples) scrape.push(s, []);
    const json = timed((i) => encodeSample(pick(i)));
    const push = timed((i) => scrape.push({ ...pick(i), time: pick(i).time + 60_000 * (1 + Math.floor(i / 60)) }, []));
    const scrapeUs = timed(() => exposition(scrape.families(), false));
    const body = exposition(scrape.families(), false);
    const series = body.split('\n').filter((l) => l !== '' && !l.startsWith('#')).length;
    rows.push(`| ${n} | ${fmt(push, 0)} µs (${fmt(push / json)}×) | ${fmt(scrapeUs, 0)} µs (${fmt(scrapeUs / json)}×) | ${fmt(json, 0)} µs | ${series} | ${Math.round(body.length / 1024)} KB |`);
    await new Promise((r) => setImmediate(r));
  }
  return [
    'Per sample every agent keeps the counters and peaks; per scrape it builds the families and writes text 0.0.4 (8 cores, 2 interfaces, 2 disks, 2 mounts; ratios against the wire JSON of the same sample, timed in the same run):',
    '',
    '| processes | per sample | per scrape | JSON of the whole sample | series | body |',
    '| ---: | ---: | ---: | ---: | ---: | ---: |',
    ...rows,
  ].join('\n');
}
