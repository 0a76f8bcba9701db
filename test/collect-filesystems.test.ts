import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect, test } from 'vitest';
import { FilesystemWatch, statfsFigures } from '../src/collect/filesystems.js';

test('real filesystems with their size; pseudo ones and missing mount points left out', async () => {
  const w = new FilesystemWatch(path.join(import.meta.dirname, 'fixtures/proc/base/mounts'));
  expect(w.current).toEqual([]);
  await w.refresh(0);
  expect(w.current.map((f) => f.mount)).toEqual(['/']);
  const root = w.current[0];
  const st = fs.statfsSync('/');
  expect(root?.sizeBytes).toBe(st.blocks * st.bsize);
  expect(root?.usedBytes).toBeGreaterThan(0);
  expect(root?.usedBytes).toBeLessThanOrEqual(root?.sizeBytes ?? 0);
});

test('available bytes are statfs f_bavail on the real /: what an unprivileged user can write, within size minus used', async () => {
  const w = new FilesystemWatch('/proc/mounts');
  const before = fs.statfsSync('/');
  await w.refresh(0);
  const after = fs.statfsSync('/');
  const root = w.current.find((f) => f.mount === '/');
  expect(root?.availBytes).toBeDefined();
  const avail = root?.availBytes ?? -1;
  expect(avail).toBeGreaterThan(0);
  expect(avail).toBeLessThanOrEqual((root?.sizeBytes ?? 0) - (root?.usedBytes ?? 0));
  // Other processes write meanwhile: the figure lies within what statfs said around the refresh, give or take 256 MiB.
  const [lo, hi] = [before, after].map((st) => st.bavail * st.bsize).sort((a, b) => a - b) as [number, number];
  expect(avail).toBeGreaterThanOrEqual(lo - 256 * 2 ** 20);
  expect(avail).toBeLessThanOrEqual(hi + 256 * 2 ** 20);
});

test('a root reserve is neither used nor available', () => {
  const m = { mount: '/data', device: '/dev/vdb', fsType: 'ext4' };
  // 1000 blocks of 4 KiB, 400 free of which 50 are reserved for root.
  expect(statfsFigures(m, { bsize: 4096, blocks: 1000, bfree: 400, bavail: 350 })).toEqual({
    ...m,
    sizeBytes: 1000 * 4096,
    usedBytes: 600 * 4096,
    availBytes: 350 * 4096,
  });
});

test('the real /proc/mounts includes /', async () => {
  const w = new FilesystemWatch('/proc/mounts');
  await w.refresh(0);
  expect(w.current.some((f) => f.mount === '/')).toBe(true);
  expect(w.current.every((f) => !['proc', 'sysfs', 'tmpfs', 'cgroup2'].includes(f.fsType))).toBe(true);
});

test('tick() refreshes only when the refresh period has passed', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tmon-mounts-'));
  try {
    const mounts = path.join(dir, 'mounts');
    fs.writeFileSync(mounts, '/dev/root / ext4 rw 0 0\n');
    const w = new FilesystemWatch(mounts, 10_000);
    await w.refresh(0);
    expect(w.current).toHaveLength(1);
    fs.writeFileSync(mounts, `/dev/root / ext4 rw 0 0\n/dev/other ${dir} ext4 rw 0 0\n`);
    w.tick(5_000);
    await new Promise((r) => setTimeout(r, 100));
    expect(w.current).toHaveLength(1);
    w.tick(10_000);
    await w.refresh(10_000);
    expect(w.current.map((f) => f.mount)).toEqual(['/', dir]);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
