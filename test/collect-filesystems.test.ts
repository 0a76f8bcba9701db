import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect, test } from 'vitest';
import { FilesystemWatch } from '../src/collect/filesystems.js';

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
