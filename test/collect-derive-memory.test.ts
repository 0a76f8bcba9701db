import { describe, expect, test } from 'vitest';
import { deriveMemory } from '../src/collect/derive-memory.js';
import type { RawCgroupMemory, RawSnapshot } from '../src/collect/raw.js';
import { cpuTimes, rawSnapshot } from './helpers/raw-snapshot.js';

const MB = 1024 * 1024;
const GiB = 1024 * MB;

function snap(s: Partial<RawSnapshot> = {}): RawSnapshot {
  return rawSnapshot({
    mono: 0,
    time: 0,
    stat: { total: cpuTimes(0, 0), cores: [], coreIds: [], btime: 0 },
    mem: { total: 8 * GiB, free: 4 * GiB, available: 6 * GiB, buffers: 10 * MB, cached: GiB, swapTotal: GiB, swapFree: GiB / 2 },
    load: { one: 0, five: 0, fifteen: 0 },
    ...s,
  });
}

function cgroup(c: Partial<RawCgroupMemory> = {}): RawCgroupMemory {
  return {
    level: '/sys/fs/cgroup/app',
    path: '/app',
    limit: 512 * MB,
    usage: 300 * MB,
    inactiveFile: 50 * MB,
    file: 80 * MB,
    swapLimit: Infinity,
    swapUsage: 0,
    limitHits: 10,
    underOom: false,
    oomKills: 1,
    ...c,
  };
}

describe('deriveMemory', () => {
  test('no cgroup limit: RAM as /proc/meminfo has it, no limit field', () => {
    const m = deriveMemory(null, snap());
    expect(m).toEqual({
      total: 8 * GiB,
      used: 2 * GiB,
      available: 6 * GiB,
      free: 4 * GiB,
      cached: GiB,
      buffers: 10 * MB,
      swapTotal: GiB,
      swapUsed: GiB / 2,
      usedMin: 2 * GiB,
      usedMax: 2 * GiB,
    });
  });

  test('under a limit: the limit is the total, used the working set (usage less inactive file cache), swap capped by both', () => {
    const m = deriveMemory(null, snap({ cgroup: cgroup({ swapLimit: 100 * MB, swapUsage: 30 * MB }), window: { usedMin: 200 * MB, usedMax: 500 * MB, busyMin: 0, busyMax: 0 } }));
    expect(m).toEqual({
      total: 512 * MB,
      used: 250 * MB,
      available: 262 * MB,
      free: 212 * MB,
      cached: 80 * MB,
      buffers: 0,
      swapTotal: 100 * MB,
      swapUsed: 30 * MB,
      // The fast watch's extremes inside the interval, which it read from the cgroup too.
      usedMin: 200 * MB,
      usedMax: 500 * MB,
      limit: 512 * MB,
    });
  });

  test('kills and limit hits are the increase of the cgroup counters, only while the limiting level stays the same', () => {
    const prev = snap({ cgroup: cgroup() });
    expect(deriveMemory(prev, snap({ cgroup: cgroup({ oomKills: 3, limitHits: 15 }) }))).toMatchObject({ oomKills: 2, limitHits: 5 });
    const quiet = deriveMemory(prev, snap({ cgroup: cgroup() }));
    expect(quiet.oomKills).toBeUndefined();
    expect(quiet.limitHits).toBeUndefined();
    // v1 stuck at its limit with the OOM killer off: a hit each tick.
    expect(deriveMemory(prev, snap({ cgroup: cgroup({ underOom: true }) })).limitHits).toBe(1);
    const moved = deriveMemory(prev, snap({ cgroup: cgroup({ level: '/sys/fs/cgroup', oomKills: 9 }) }));
    expect(moved.oomKills).toBeUndefined();
  });

  test('no limit: the machine’s kills from /proc/vmstat; none across a switch of scope', () => {
    expect(deriveMemory(snap({ oomKills: 4 }), snap({ oomKills: 6 })).oomKills).toBe(2);
    expect(deriveMemory(snap({ oomKills: 4 }), snap({ oomKills: 4 })).oomKills).toBeUndefined();
    expect(deriveMemory(snap({ oomKills: null }), snap({ oomKills: 6 })).oomKills).toBeUndefined();
    expect(deriveMemory(snap({ cgroup: cgroup(), oomKills: 4 }), snap({ oomKills: 9 })).oomKills).toBeUndefined();
  });
});
