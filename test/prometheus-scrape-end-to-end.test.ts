import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startAgentProcess } from './helpers/agent-process.js';
import { ALLOCATE_SCRIPT, memoryThresholdFlags } from './helpers/memory-level.js';
import { freePort } from './helpers/notify-sinks.js';

/**
 * A real Prometheus (Debian's package; the test setup installs it) scrapes a real
 * agent every 2 s while a child holds 400 MB for 200 ms: Prometheus's own API then
 * finds the spike's height with max_over_time of the peak gauge, and the spike counter rose.
 */
const TOKEN = 'prometheus-e2e-token';
const MB = 1024 * 1024;
const dir = mkdtempSync(join(tmpdir(), 'tmon-prometheus-'));
let agent: Awaited<ReturnType<typeof startAgentProcess>>;
let prometheus: ChildProcess;
let promLog = '';
let promPort = 0;

/** One instant query's first value; NaN while there is none. */
async function query(expr: string): Promise<number> {
  const r = await fetch(`http://127.0.0.1:${promPort}/api/v1/query?query=${encodeURIComponent(expr)}`);
  const body = (await r.json()) as { data?: { result?: { value?: [number, string] }[] } };
  return Number(body.data?.result?.[0]?.value?.[1] ?? NaN);
}

async function until(what: string, ok: () => Promise<boolean>, ms: number): Promise<void> {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (await ok().catch(() => false)) return;
    await new Promise((r) => setTimeout(r, 500));
  }
  throw new Error(`timed out waiting for ${what}; prometheus said:\n${promLog.slice(-2000)}`);
}

beforeAll(async () => {
  agent = await startAgentProcess(['--interval', '1s', ...(await memoryThresholdFlags(400))], { TMON_TOKEN: TOKEN });
  writeFileSync(join(dir, 'token'), TOKEN);
  writeFileSync(
    join(dir, 'prometheus.yml'),
    [
      'global: { scrape_interval: 2s }',
      'scrape_configs:',
      '  - job_name: tmon',
      `    authorization: { credentials_file: ${join(dir, 'token')} }`,
      `    static_configs: [{ targets: ['127.0.0.1:${agent.port}'] }]`,
      '',
    ].join('\n'),
  );
  promPort = await freePort();
  prometheus = spawn('prometheus', [`--config.file=${join(dir, 'prometheus.yml')}`, `--storage.tsdb.path=${join(dir, 'data')}`, `--web.listen-address=127.0.0.1:${promPort}`], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  prometheus.stderr?.on('data', (d: Buffer) => (promLog += d.toString()));
  await until('prometheus to be ready', async () => (await fetch(`http://127.0.0.1:${promPort}/-/ready`)).ok, 30_000);
}, 60_000);

afterAll(async () => {
  prometheus?.kill('SIGTERM');
  await agent?.stop();
  rmSync(dir, { recursive: true, force: true });
});

describe('a real Prometheus scraping the agent', () => {
  it('finds a 200 ms allocation between its 2 s scrapes with max_over_time, and the spike counted', { timeout: 90_000 }, async () => {
    // Two good scrapes (the second with a full sample), the body accepted in the format Prometheus negotiated.
    await until('two successful scrapes', async () => (await query('count_over_time(up{job="tmon"}[1m])')) >= 2 && (await query('up{job="tmon"}')) === 1, 30_000);
    const rest = await query('min_over_time(tmon_memory_used_bytes[1m])');
    const spikesBefore = await query('sum(tmon_spikes_total{metric="memory"})');
    expect(rest).toBeGreaterThan(0);
    const child = spawn(process.execPath, ['-e', ALLOCATE_SCRIPT(400, 200)], { stdio: 'ignore' });
    await new Promise((resolve) => child.on('exit', resolve));
    const exited = Date.now() / 1000;
    // The spike closes after its merge gap; later scrapes bring the counter and the peak in. Another memory
    // spike on a shared machine may raise the counter at a scrape taken while the child was still filling,
    // so the peak is read only from a scrape taken after the child exited.
    await until('the spike counted', async () => (await query('sum(tmon_spikes_total{metric="memory"})')) > spikesBefore, 40_000);
    await until('a scrape after the child exited', async () => (await query('timestamp(up{job="tmon"})')) > exited, 20_000);
    const peak = await query('max_over_time(tmon_memory_used_peak_bytes[2m])');
    // A third of the 400 MB, the rise the bar asked: on a shared machine others free memory meanwhile, and in
    // a cgroup the kernel reclaims page cache to make room; a scrape of the level alone every 2 s would see
    // next to none of a 200 ms allocation.
    expect((peak - rest) / MB).toBeGreaterThan(400 / 3);
  });
});
