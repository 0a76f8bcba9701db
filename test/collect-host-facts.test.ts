import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect, test } from 'vitest';
import { linuxCpuModel, linuxDistro, linuxHostFacts, nodeHostFacts } from '../src/collect/host-facts.js';

const FIXTURE = path.join(import.meta.dirname, 'fixtures/proc/base');

test('distro from the first os-release that exists, else "Linux"', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tmon-osr-'));
  try {
    const file = path.join(dir, 'os-release');
    fs.writeFileSync(file, 'NAME="Fedora Linux"\nPRETTY_NAME="Fedora Linux 40 (Server Edition)"\n');
    expect(linuxDistro([path.join(dir, 'missing'), file])).toBe('Fedora Linux 40 (Server Edition)');
    expect(linuxDistro([path.join(dir, 'missing')])).toBe('Linux');
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('CPU model from cpuinfo, falling back to Node', () => {
  expect(linuxCpuModel(FIXTURE)).toBe('Fixture CPU @ 1.00GHz');
  expect(linuxCpuModel(path.join(FIXTURE, 'missing'))).toBe(os.cpus()[0]?.model ?? 'unknown');
});

test('Linux host facts', () => {
  const h = linuxHostFacts(FIXTURE, 2, 8 * 1024 ** 3, 1_700_000_000);
  expect(h).toMatchObject({ hostname: os.hostname(), kernel: os.release(), arch: os.arch(), cpuModel: 'Fixture CPU @ 1.00GHz', cpuCount: 2, memTotal: 8 * 1024 ** 3, bootTime: 1_700_000_000_000 });
  expect(h.os.length).toBeGreaterThan(0);
});

test('host facts from Node alone', () => {
  const now = Date.now();
  const h = nodeHostFacts(now);
  expect(h).toMatchObject({ hostname: os.hostname(), arch: os.arch(), memTotal: os.totalmem(), cpuCount: os.cpus().length });
  expect(Math.abs(h.bootTime - (now - os.uptime() * 1000))).toBeLessThan(2000);
});
