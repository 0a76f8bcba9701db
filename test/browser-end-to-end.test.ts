/// <reference lib="dom" />
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import https from 'node:https';
import net from 'node:net';
import { join } from 'node:path';
import puppeteer, { type Browser, type Page } from 'puppeteer-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startAgentProcess } from './helpers/agent-process.js';
import { makeProcess, makeSample } from './helpers/make-sample.js';
import { tempDir, writeRecording } from './fixtures/store/recording-files.js';
import { ALLOCATE_SCRIPT, memoryThresholds } from './helpers/memory-level.js';
import { makeCertificate } from './fixtures/transport/harness.js';
import { writeStore } from './fixtures/transport/stored-history.js';

/**
 * The browser page end to end: Debian's chromium (test/support/system-tools.ts installs it)
 * driven by puppeteer-core, against a real `tmon agent` (bin/tmon.js after npm run build)
 * with a token. The page must refuse without the token, draw its graphs with it, and log
 * a memory spike this test makes with the test's own child named; a click on it moves the
 * cursor there. A screenshot at 1280x800 is kept in test-artifacts/. A second agent with a
 * --store holding last night, a --probe and --alert rules: the page jumps back to the stored
 * spike, shows the probe's target up and the rule that holds firing.
 */
const TOKEN = 'browser-e2e-3b9d41c7';
const ARTIFACTS = join(import.meta.dirname, '..', 'test-artifacts');
const MB = 300;

function chromiumPath(): string {
  const found = spawnSync('sh', ['-c', 'command -v chromium'], { encoding: 'utf8' });
  return found.stdout.trim();
}

/** The series' colours (web/charts.ts): the level line and the peak line, drawn over it where they meet. */
const LINE_COLOURS: readonly (readonly [number, number, number])[] = [
  [0x5f, 0xb3, 0xf9],
  [0x8f, 0xd1, 0x6a],
  [0xf2, 0xa6, 0x5a],
];

/** Pixels of each graph's canvas in a series colour: its lines drawn (axes and labels are grey). */
async function linePixels(page: Page): Promise<number[]> {
  return page.evaluate((colours) => {
    return [...document.querySelectorAll<HTMLCanvasElement>('.chart canvas')].map((canvas) => {
      const px = canvas.getContext('2d')?.getImageData(0, 0, canvas.width, canvas.height).data ?? new Uint8ClampedArray();
      let n = 0;
      for (let p = 0; p < px.length; p += 4) {
        const near = colours.some(([r, g, b]) => Math.abs((px[p] ?? 0) - r) + Math.abs((px[p + 1] ?? 0) - g) + Math.abs((px[p + 2] ?? 0) - b) < 60);
        if (near && (px[p + 3] ?? 0) > 128) n++;
      }
      return n;
    });
  }, LINE_COLOURS);
}

describe('the browser page against a real agent', () => {
  let agent: Awaited<ReturnType<typeof startAgentProcess>> | undefined;
  let browser: Browser | undefined;
  let child: ChildProcess | undefined;

  beforeAll(async () => {
    agent = await startAgentProcess(['--interval', '500ms'], { TMON_TOKEN: TOKEN });
    browser = await puppeteer.launch({
      executablePath: chromiumPath(),
      // Root in CI: chromium's sandbox needs user namespaces it may not have there.
      args: ['--no-sandbox', '--headless=new', '--disable-gpu', '--no-first-run'],
      defaultViewport: { width: 1280, height: 800 },
    });
  }, 30_000);

  afterAll(async () => {
    child?.kill('SIGKILL');
    await browser?.close();
    await agent?.stop();
  });

  it('refuses without the token, loads with it, and shows the spike the test makes', async () => {
    const port = agent?.port ?? 0;
    const page = await (browser as Browser).newPage();
    const problems: string[] = [];
    page.on('console', (m) => {
      if (/Content.Security.Policy|Refused to/i.test(m.text())) problems.push(m.text());
    });
    page.on('pageerror', (e) => problems.push(String(e)));
    // The page's detector gets a bar a third of the way up what this allocation adds to the level at rest.
    const t = await memoryThresholds(MB);
    const query = `?mem-threshold=${(t.memory?.absolute ?? 80).toFixed(2)}&mem-margin=0&cpu-threshold=100&cpu-margin=100`;
    await page.goto(`http://127.0.0.1:${port}/${query}`);

    // Without the token: the login form, no data, and a wrong token changes nothing.
    await page.waitForSelector('#login:not([hidden])', { timeout: 10_000 });
    expect(await page.$eval('#app', (e) => (e as HTMLElement).hidden)).toBe(true);
    await page.type('#token', 'not-the-token');
    await page.click('#login button');
    await page.waitForFunction(() => document.getElementById('login-error')?.textContent === 'wrong token', { timeout: 10_000 });
    expect(await page.evaluate(() => document.body.dataset['samples'])).toBeUndefined();

    // With it: the app, samples, graphs drawn.
    await page.type('#token', TOKEN);
    await page.click('#login button');
    await page.waitForFunction(() => Number(document.body.dataset['samples']) >= 6, { timeout: 15_000 });
    expect(await page.$eval('#token', (e) => (e as HTMLInputElement).value)).toBe('');
    // This agent keeps no store and evaluates no rules: the page says both.
    expect(await page.$eval('#store', (e) => e.textContent)).toMatch(/^no stored history: the agent runs without --store/);
    await page.waitForFunction(() => document.getElementById('alerts-state')?.textContent === 'none: the agent has no --alert rules', { timeout: 10_000 });
    await page.waitForFunction(() => document.querySelectorAll('#procs tbody tr').length > 0, { timeout: 5_000 });
    // Both graphs draw their lines (polled: a frame may not have been painted yet).
    let pixels: number[] = [];
    for (let i = 0; i < 20 && !(pixels.length === 2 && pixels.every((n) => n > 50)); i++) {
      pixels = await linePixels(page);
      await new Promise((r) => setTimeout(r, 250));
    }
    expect(pixels).toHaveLength(2);
    for (const n of pixels) expect(n).toBeGreaterThan(50);

    // The spike: a child allocating MB megabytes, named in the log. A second try, with the bar read
    // afresh and the page reopened on it (the session cookie stays), when another workload on this
    // machine moved the level at rest out of the first child's reach.
    let pid = 0;
    let found: Awaited<ReturnType<Page['waitForFunction']>> | undefined;
    for (let attempt = 0; attempt < 2 && !found; attempt++) {
      if (attempt > 0) {
        child?.kill('SIGKILL');
        const again = await memoryThresholds(MB);
        await page.goto(`http://127.0.0.1:${port}/?mem-threshold=${(again.memory?.absolute ?? 80).toFixed(2)}&mem-margin=0&cpu-threshold=100&cpu-margin=100`);
        await page.waitForFunction(() => Number(document.body.dataset['samples']) >= 6, { timeout: 10_000 });
        // The history is in at once; 4 s more at 500 ms, past the merge gap, so the reload's own
        // memory rise (chromium's) is a spike of its own before the child starts.
        const loaded = Number(await page.evaluate(() => document.body.dataset['samples']));
        await page.waitForFunction((n) => Number(document.body.dataset['samples']) >= n + 8, { timeout: 10_000 }, loaded);
      }
      child = spawn(process.execPath, ['-e', ALLOCATE_SCRIPT(MB, 3000)], { stdio: 'ignore' });
      pid = child.pid ?? 0;
      found = await page
        .waitForFunction(
          (text) => [...document.querySelectorAll<HTMLLIElement>('#spikes li')].find((li) => li.textContent?.includes(text))?.dataset['id'] ?? false,
          { timeout: 18_000, polling: 200 },
          `node[${pid}]`,
        )
        .catch(() => undefined);
    }
    expect(found, `a spike naming node[${pid}]; the log: ${await page.$eval('#spikes', (e) => e.textContent ?? '')}`).toBeDefined();
    const id = String(await found?.jsonValue());
    expect(id).toMatch(/^memory@\d+$/);

    // Clicking it puts the cursor inside the spike (the page stops following), and the table shows that moment.
    // A real mouse click; the list is rebuilt when an open spike grows, so a click whose item was replaced
    // on the way (it throws, or lands on nothing) is tried again until the page says it paused.
    for (let i = 0; i < 10; i++) {
      await page.click(`#spikes li[data-id="${id}"]`).catch(() => undefined);
      if (await page.$eval('#at', (e) => e.textContent?.startsWith('paused') ?? false)) break;
      await new Promise((r) => setTimeout(r, 300));
    }
    await page.waitForFunction(() => document.querySelector('#spikes li.current') !== null, { timeout: 5_000 });
    const state = await page.evaluate(() => {
      const current = document.querySelector<HTMLLIElement>('#spikes li.current');
      return {
        cursor: Number(document.body.dataset['cursor']),
        start: Number(current?.dataset['start']),
        end: Number(current?.dataset['end']),
        at: document.getElementById('at')?.textContent ?? '',
        pids: [...document.querySelectorAll('#procs tbody tr td:first-child')].map((td) => Number(td.textContent)),
      };
    });
    expect(state.cursor).toBeGreaterThanOrEqual(state.start);
    expect(state.cursor).toBeLessThanOrEqual(state.end);
    expect(state.at).toMatch(/^paused at /);
    expect(state.pids).toContain(pid);

    mkdirSync(ARTIFACTS, { recursive: true });
    await page.screenshot({ path: join(ARTIFACTS, 'browser-page-1280x800.png') });
    expect(problems).toEqual([]);
  }, 75_000);

  it('with --store, --probe and --alert: jumps to a stored spike older than the live samples, shows the probe up and the rule firing', async () => {
    const store = tempDir();
    const GiB = 1024 ** 3;
    // Last night in the store, six hours before the agent starts: ten quiet minutes, then
    // `nightly-backup` takes 5.5 GB of the 8 GB for two seconds, found as the agent finds spikes.
    const night = Date.now() - 6 * 3600_000;
    await writeStore(
      store.dir,
      Array.from({ length: 600 }, (_, i) => {
        const high = i === 300 || i === 301;
        const backup = makeProcess({ pid: 4000, name: 'nightly-backup', rss: high ? 5.5 * GiB : 20 * 1024 * 1024, startTime: night - 60_000 });
        return makeSample({ time: night + i * 1000, memUsed: high ? 7.5 * GiB : 2 * GiB, processes: [backup] });
      }),
    );
    const listener = net.createServer((socket) => socket.destroy());
    await new Promise<void>((resolve) => listener.listen(0, '127.0.0.1', resolve));
    const target = `tcp://127.0.0.1:${(listener.address() as net.AddressInfo).port}`;
    const stored = await startAgentProcess(
      ['--interval', '500ms', '--store', store.dir, '--probe', `${target} interval=1s`, '--alert', 'memory > 1%', '--alert', 'cpu > 99.9% for 1h'],
      { TMON_TOKEN: TOKEN },
    );
    try {
      const page = await (browser as Browser).newPage();
      // The alerts come pushed over the page's WebSocket: it never asks GET /alerts.
      const asked: string[] = [];
      page.on('request', (r) => asked.push(new URL(r.url()).pathname));
      await page.goto(`http://127.0.0.1:${stored.port}/`);
      await page.waitForSelector('#login:not([hidden])', { timeout: 10_000 });
      await page.type('#token', TOKEN);
      await page.click('#login button');
      await page.waitForFunction(() => Number(document.body.dataset['samples']) >= 2, { timeout: 15_000 });

      // The store's spike index is in the log with its culprit; p (from live, past any spike of
      // the live samples) reaches it, and the stored window around it is loaded and shown.
      await page.waitForFunction(() => document.getElementById('spikes')?.textContent?.includes('nightly-backup[4000]'), { timeout: 10_000 });
      expect(await page.$eval('#store', (e) => e.textContent)).toMatch(/^stored since /);
      await page.evaluate(() => (document.activeElement as HTMLElement | null)?.blur());
      for (let i = 0; i < 10; i++) {
        if (await page.evaluate(() => document.querySelector('#spikes li.current')?.textContent?.includes('nightly-backup') === true)) break;
        await page.keyboard.press('p');
        await new Promise((r) => setTimeout(r, 200));
      }
      await page.waitForFunction(() => document.getElementById('at')?.textContent?.startsWith('stored at ') && document.querySelector('#procs tbody tr td')?.textContent === '4000', { timeout: 15_000 });
      const shown = await page.evaluate(() => {
        const current = document.querySelector<HTMLLIElement>('#spikes li.current');
        return { cursor: Number(document.body.dataset['cursor']), start: Number(current?.dataset['start']), end: Number(current?.dataset['end']) };
      });
      expect(shown.start).toBe(night + 300_000);
      expect(shown.cursor).toBeGreaterThanOrEqual(shown.start);
      expect(shown.cursor).toBeLessThanOrEqual(shown.end);
      const pixels = await linePixels(page);
      for (const n of pixels) expect(n).toBeGreaterThan(50);
      mkdirSync(ARTIFACTS, { recursive: true });
      await page.screenshot({ path: join(ARTIFACTS, 'browser-page-stored-1280x800.png') });

      // Back to live (End): the probe's target up, with a graph; the rule that holds listed as firing, the other not.
      await page.keyboard.press('End');
      await page.waitForSelector(`#probes tr.up[data-target="${target}"]`, { timeout: 10_000 });
      expect(await page.$(`.probe-chart[data-target="${target}"] canvas`)).not.toBeNull();
      await page.waitForSelector('#alerts li.firing[data-rule="memory > 1%"]', { timeout: 15_000 });
      expect(await page.$eval('#alerts li.firing', (e) => e.textContent)).toMatch(/since .* · /);
      expect(await page.$('#alerts li.ok[data-rule="cpu > 99.9% for 1h"]')).not.toBeNull();
      expect(asked).not.toContain('/alerts');
      await page.screenshot({ path: join(ARTIFACTS, 'browser-page-probes-alerts-1280x800.png') });
    } finally {
      await stored.stop();
      listener.close();
      store.cleanup();
    }
  }, 60_000);

  it('tmon serve speaks TLS when given a certificate, as the agent does', async () => {
    const { dir, cleanup } = tempDir();
    const cert = makeCertificate();
    writeFileSync(join(dir, 'cert.pem'), cert.cert);
    writeFileSync(join(dir, 'key.pem'), cert.key);
    const file = join(dir, 'small.tmon');
    await writeRecording(file, [makeSample({ time: Date.UTC(2026, 10, 29, 3, 0, 0) })]);
    const served = await startAgentProcess([file, '--tls-cert', join(dir, 'cert.pem'), '--tls-key', join(dir, 'key.pem')], { TMON_TOKEN: '' }, 'serve');
    try {
      const answer = await new Promise<{ status: number; type: string }>((resolve, reject) => {
        https
          .get({ host: '127.0.0.1', port: served.port, path: '/', ca: cert.cert }, (res) => {
            res.resume();
            resolve({ status: res.statusCode ?? 0, type: String(res.headers['content-type']) });
          })
          .on('error', reject);
      });
      expect(answer).toEqual({ status: 200, type: expect.stringContaining('text/html') as unknown as string });
      expect(served.log()).toContain(`open https://127.0.0.1:${served.port}/`);
    } finally {
      await served.stop();
      cert.remove();
      cleanup();
    }
  });

  it('tmon serve shows a recording in the page, its spike and culprit in the log, the recording as its store', async () => {
    const { dir, cleanup } = tempDir();
    const GiB = 1024 ** 3;
    const t0 = Date.UTC(2026, 10, 29, 3, 0, 0);
    // Ten quiet seconds at 2 GB, then `hog` takes 5.5 GB of the 8 GB for three seconds.
    const samples = Array.from({ length: 20 }, (_, i) => {
      const high = i >= 10 && i < 13;
      const hog = makeProcess({ pid: 4242, name: 'hog', rss: high ? 5.5 * GiB : 10 * 1024 * 1024 });
      return makeSample({ time: t0 + i * 1000, memUsed: high ? 7.5 * GiB : 2 * GiB, processes: [hog] });
    });
    const file = join(dir, 'night.tmon');
    await writeRecording(file, samples);
    const served = await startAgentProcess([file], { TMON_TOKEN: '' }, 'serve');
    try {
      const page = await (browser as Browser).newPage();
      await page.goto(`http://127.0.0.1:${served.port}/`);
      await page.waitForFunction(() => document.body.dataset['samples'] === '20', { timeout: 15_000 });
      const log = await page.$eval('#spikes', (e) => e.textContent ?? '');
      expect(log).toMatch(/memory 7\.5G/);
      expect(log).toContain('hog[4242]');
      expect(await page.$eval('#host', (e) => e.textContent)).toBe('testhost');
      // The whole recording is the agent's store: the page could go back past the newest two hours it is given.
      expect(await page.$eval('#store', (e) => e.textContent)).toMatch(/^stored since \d{4}-\d\d-\d\d \d\d:\d\d:\d\d · /);
    } finally {
      await served.stop();
      cleanup();
    }
  }, 40_000);
});
