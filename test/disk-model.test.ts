import { describe, expect, it } from 'vitest';
import type { Sample } from '../src/core/sample.js';
import { displayWidth } from '../src/core/text-width.js';
import { diskLines } from '../src/ui/disk-model.js';
import { makeSample } from './helpers/make-sample.js';

const GiB = 1024 ** 3;
const MiB = 1024 ** 2;

function withDisks(): Sample {
  return {
    ...makeSample({ time: Date.UTC(2026, 10, 30, 3) }),
    filesystems: [
      { mount: '/', device: '/dev/sda1', fsType: 'ext4', sizeBytes: 100 * GiB, usedBytes: 42 * GiB },
      { mount: '/var/lib/docker', device: '/dev/sdb1', fsType: 'xfs', sizeBytes: 50 * GiB, usedBytes: 49 * GiB },
      { mount: '/empty', device: 'none', fsType: 'tmpfs', sizeBytes: 0, usedBytes: 0 },
    ],
    disks: [{ device: 'sda', readBytesPerSec: 1.5 * MiB, writeBytesPerSec: 300 * 1024 }],
  };
}

describe('diskLines', () => {
  it('lists mounts fullest first with a bar filling the line, then I/O per disk', () => {
    const lines = diskLines(withDisks(), 50);
    expect(lines.map((l) => l.text)).toEqual([
      '/var/lib/docker 49.0G/50.0G  98% █████████████████',
      '/                42.0G/100G  42% ███████░░░░░░░░░░',
      'sda             read  1.5M/s  write  300K/s',
    ]);
    expect(lines.map((l) => l.usedPct === null ? null : Math.round(l.usedPct))).toEqual([98, 42, null]);
    expect(lines.every((l) => l.text.length <= 50)).toBe(true);
  });

  it('cuts a long mount name to a third of the line and drops the bar where it does not fit', () => {
    const s = withDisks();
    const narrow = diskLines({ ...s, filesystems: [{ mount: '/a/very/long/mount/point/name', device: 'x', fsType: 'ext4', sizeBytes: GiB, usedBytes: 0 }], disks: [] }, 30);
    expect(narrow).toHaveLength(1);
    expect(narrow[0]?.text.length).toBeLessThanOrEqual(30);
    expect(narrow[0]?.text).toMatch(/^\/a\/very\/l.* 0B\/1\.0G\s+0%$/);
  });

  it('says r and w where read and write would not fit', () => {
    const s = withDisks();
    expect(diskLines({ ...s, filesystems: [] }, 28).map((l) => l.text)).toEqual(['sda  r  1.5M/s  w  300K/s']);
  });

  it('measures a mount name in columns: a wide one keeps the figures in line', () => {
    const s = withDisks();
    const lines = diskLines({ ...s, filesystems: [{ mount: '/数据', device: 'x', fsType: 'ext4', sizeBytes: GiB, usedBytes: 0 }, { mount: '/abcde', device: 'y', fsType: 'ext4', sizeBytes: GiB, usedBytes: 0 }], disks: [] }, 50);
    expect(lines.map((l) => displayWidth(l.text))).toEqual([50, 50]);
    // The figures start in the same column.
    const column = (t: string): number => displayWidth(t.slice(0, t.indexOf('0B')));
    expect(column(lines[0]?.text ?? '')).toBe(column(lines[1]?.text ?? ''));
  });

  it('shows nothing before the first sample', () => {
    expect(diskLines(undefined, 80)).toEqual([]);
  });
});
