import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, test } from 'vitest';
import {
  CgroupMemory,
  CgroupNotFoundError,
  VmstatOomKills,
  cgroupLevels,
  keyedValue,
  locateMemoryCgroup,
  parseLimit,
  parseProcCgroup,
  withinCgroup,
} from '../src/collect/cgroup-memory.js';
import { UserError } from '../src/core/errors.js';

const MB = 1024 * 1024;
const RAM = 8192 * MB;
const V1_NONE = '9223372036854771712';

const tmpDirs: string[] = [];
const readers: CgroupMemory[] = [];
afterEach(() => {
  for (const r of readers.splice(0)) r.close();
  for (const d of tmpDirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
});

/** A fixture tree: `files` maps paths under the root to contents. Returns the root. */
function tree(files: Record<string, string>): string {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'tmon-cgroup-'));
  tmpDirs.push(root);
  for (const [rel, text] of Object.entries(files)) {
    const p = path.join(root, rel);
    fs.mkdirSync(path.dirname(p), { recursive: true });
    fs.writeFileSync(p, text);
  }
  return root;
}

function open(root: string, cgroup?: string): CgroupMemory {
  const r = CgroupMemory.open({ cgroupRoot: `${root}/sys`, procRoot: `${root}/proc`, cgroup });
  if (!r) throw new Error('no memory cgroup found');
  readers.push(r);
  return r;
}

/** A v2 cgroup directory's memory files. */
function v2(dir: string, o: { max: string; current?: number; events?: string; swapMax?: string; swapCurrent?: number; stat?: string }): Record<string, string> {
  const files: Record<string, string> = { [`${dir}/memory.max`]: `${o.max}\n` };
  if (o.current !== undefined) files[`${dir}/memory.current`] = `${o.current}\n`;
  if (o.events !== undefined) files[`${dir}/memory.events`] = o.events;
  if (o.swapMax !== undefined) files[`${dir}/memory.swap.max`] = `${o.swapMax}\n`;
  if (o.swapCurrent !== undefined) files[`${dir}/memory.swap.current`] = `${o.swapCurrent}\n`;
  if (o.stat !== undefined) files[`${dir}/memory.stat`] = o.stat;
  return files;
}

const V2_ROOT = { 'sys/cgroup.controllers': 'cpuset cpu io memory pids\n' };

describe('parsers', () => {
  test('/proc/self/cgroup: the v1 memory line and the v2 line, a path holding colons', () => {
    expect(parseProcCgroup('12:pids:/a\n4:memory:/process_api/43c2\n0::/user.slice/x:y.scope\n')).toEqual({
      v1: '/process_api/43c2',
      v2: '/user.slice/x:y.scope',
    });
    expect(parseProcCgroup('5:cpu,memory:/docker/abc\n')).toEqual({ v1: '/docker/abc', v2: null });
    expect(parseProcCgroup('0::/\n')).toEqual({ v1: null, v2: '/' });
    expect(parseProcCgroup('garbage\n3:cpuset:/\n')).toEqual({ v1: null, v2: null });
  });

  test('limits: v2 max, v1 huge value and unreadable mean none', () => {
    expect(parseLimit('536870912\n')).toBe(512 * MB);
    expect(parseLimit('max\n')).toBe(Infinity);
    expect(parseLimit(`${V1_NONE}\n`)).toBe(Infinity);
    expect(parseLimit(null)).toBe(Infinity);
    expect(parseLimit('nonsense')).toBe(Infinity);
  });

  test('keyed files and levels', () => {
    const events = 'low 0\nhigh 0\nmax 17\noom 2\noom_kill 1\noom_group_kill 0\n';
    expect([keyedValue(events, 'max'), keyedValue(events, 'oom'), keyedValue(events, 'oom_kill'), keyedValue(events, 'low')]).toEqual([17, 2, 1, 0]);
    expect(keyedValue(events, 'absent')).toBeNaN();
    expect(cgroupLevels('/a/b/c')).toEqual(['/a/b/c', '/a/b', '/a', '/']);
    expect(cgroupLevels('/')).toEqual(['/']);
  });

  test('within a cgroup: itself and what is beneath it, not a sibling sharing its prefix; everything is within the root', () => {
    expect(withinCgroup('/app.slice/web.service', '/app.slice')).toBe(true);
    expect(withinCgroup('/app.slice', '/app.slice')).toBe(true);
    expect(withinCgroup('/app.slice-2/x', '/app.slice')).toBe(false);
    expect(withinCgroup('/', '/app.slice')).toBe(false);
    expect(withinCgroup('/user.slice', '/')).toBe(true);
  });
});

describe('finding the cgroup and its limit on fixture trees', () => {
  test('v2: the limit, usage less inactive file cache, swap, hierarchical events', () => {
    const root = tree({
      ...V2_ROOT,
      'proc/self/cgroup': '0::/app.slice/web.service\n',
      ...v2('sys/app.slice', { max: 'max' }),
      ...v2('sys/app.slice/web.service', {
        max: String(512 * MB),
        current: 300 * MB,
        stat: 'anon 200000000\nfile 104857600\nactive_file 10\ninactive_file 52428800\n',
        events: 'low 0\nhigh 0\nmax 3\noom 1\noom_kill 1\n',
        swapMax: String(100 * MB),
        swapCurrent: 5 * MB,
      }),
    });
    const r = open(root);
    expect(r.location).toEqual({ version: 2, mount: `${root}/sys`, path: '/app.slice/web.service' });
    expect(r.read(RAM)).toEqual({
      level: `${root}/sys/app.slice/web.service`,
      path: '/app.slice/web.service',
      limit: 512 * MB,
      usage: 300 * MB,
      inactiveFile: 50 * MB,
      file: 100 * MB,
      swapLimit: 100 * MB,
      swapUsage: 5 * MB,
      limitHits: 4,
      underOom: false,
      oomKills: 1,
    });
    // The fast watch's reading: the current usage less the tick's inactive file cache.
    fs.writeFileSync(`${root}/sys/app.slice/web.service/memory.current`, String(400 * MB));
    expect(r.probeUsed()).toBe(350 * MB);
  });

  test('nested: a parent slice with the smaller limit carries it, and its usage and counters are read', () => {
    const root = tree({
      ...V2_ROOT,
      'proc/self/cgroup': '0::/tenant.slice/job.scope\n',
      ...v2('sys/tenant.slice', { max: String(256 * MB), current: 200 * MB, events: 'max 9\noom 0\noom_kill 2\n' }),
      ...v2('sys/tenant.slice/job.scope', { max: String(1024 * MB), current: 20 * MB, events: 'max 0\noom 0\noom_kill 0\n' }),
    });
    const got = open(root).read(RAM);
    expect(got).toMatchObject({ level: `${root}/sys/tenant.slice`, path: '/tenant.slice', limit: 256 * MB, usage: 200 * MB, limitHits: 9, oomKills: 2 });
  });

  test('unlimited: v2 max all the way up, or a limit at or above RAM, reads as no limit', () => {
    const none = tree({ ...V2_ROOT, 'proc/self/cgroup': '0::/a\n', ...v2('sys/a', { max: 'max', current: 10 * MB }) });
    expect(open(none).read(RAM)).toBeNull();
    const above = tree({ ...V2_ROOT, 'proc/self/cgroup': '0::/a\n', ...v2('sys/a', { max: String(RAM * 2), current: 10 * MB }) });
    const r = open(above);
    expect(r.read(RAM)).toBeNull();
    expect(r.probeUsed()).toBeNaN();
  });

  test('v2 without the memory controller, or tmon in no memory cgroup: nothing to watch', () => {
    const noMemory = tree({ 'sys/cgroup.controllers': 'cpu io pids\n', 'proc/self/cgroup': '0::/a\n', ...v2('sys/a', { max: '1000' }) });
    expect(locateMemoryCgroup({ cgroupRoot: `${noMemory}/sys`, procRoot: `${noMemory}/proc` })).toBeNull();
    const noLine = tree({ ...V2_ROOT, 'proc/self/cgroup': '3:cpu:/\n' });
    expect(locateMemoryCgroup({ cgroupRoot: `${noLine}/sys`, procRoot: `${noLine}/proc` })).toBeNull();
  });

  test('hybrid: v2 at unified/ without memory, v1 memory hierarchy used', () => {
    const root = tree({
      'sys/unified/cgroup.controllers': '',
      'sys/memory/memory.limit_in_bytes': `${V1_NONE}\n`,
      'proc/self/cgroup': '4:memory:/process_api/job\n0::/\n',
      'sys/memory/process_api/memory.limit_in_bytes': `${V1_NONE}\n`,
      'sys/memory/process_api/job/memory.limit_in_bytes': `${64 * MB}\n`,
      'sys/memory/process_api/job/memory.usage_in_bytes': `${60 * MB}\n`,
      'sys/memory/process_api/job/memory.stat': `cache 1\ntotal_cache ${8 * MB}\ntotal_inactive_file ${4 * MB}\n`,
      'sys/memory/process_api/job/memory.memsw.limit_in_bytes': `${96 * MB}\n`,
      'sys/memory/process_api/job/memory.memsw.usage_in_bytes': `${62 * MB}\n`,
      'sys/memory/process_api/job/memory.failcnt': '12\n',
      'sys/memory/process_api/job/memory.memsw.failcnt': '5\n',
      'sys/memory/process_api/job/memory.oom_control': 'oom_kill_disable 0\nunder_oom 1\noom_kill 3\n',
    });
    const r = open(root);
    expect(r.location).toEqual({ version: 1, mount: `${root}/sys/memory`, path: '/process_api/job' });
    expect(r.read(RAM)).toEqual({
      level: `${root}/sys/memory/process_api/job`,
      path: '/process_api/job',
      limit: 64 * MB,
      usage: 60 * MB,
      inactiveFile: 4 * MB,
      file: 8 * MB,
      swapLimit: 32 * MB,
      swapUsage: 2 * MB,
      limitHits: 17,
      underOom: true,
      oomKills: 3,
    });
  });

  test('v1 with the limit on a parent: the kills of the watched cgroup are added, as v1 counts them only where the victim was', () => {
    const root = tree({
      'sys/memory/memory.limit_in_bytes': `${V1_NONE}\n`,
      'proc/self/cgroup': '4:memory:/box/app\n',
      'sys/memory/box/memory.limit_in_bytes': `${128 * MB}\n`,
      'sys/memory/box/memory.usage_in_bytes': `${100 * MB}\n`,
      'sys/memory/box/memory.oom_control': 'oom_kill_disable 0\nunder_oom 0\noom_kill 1\n',
      'sys/memory/box/app/memory.limit_in_bytes': `${V1_NONE}\n`,
      'sys/memory/box/app/memory.oom_control': 'oom_kill_disable 0\nunder_oom 0\noom_kill 2\n',
    });
    expect(open(root).read(RAM)).toMatchObject({ level: `${root}/sys/memory/box`, limit: 128 * MB, oomKills: 3, swapUsage: null, swapLimit: Infinity });
  });

  test('v1 in a container without a cgroup namespace: the host path is absent, the mount root is the container', () => {
    const root = tree({
      'sys/memory/memory.limit_in_bytes': `${256 * MB}\n`,
      'sys/memory/memory.usage_in_bytes': `${10 * MB}\n`,
      'proc/self/cgroup': '4:memory:/docker/0123abcd\n',
    });
    const r = open(root);
    expect(r.location.path).toBe('/');
    expect(r.read(RAM)).toMatchObject({ limit: 256 * MB, usage: 10 * MB });
  });

  test('--cgroup: by its cgroup path or its directory; one that is not there is a typed UserError naming it', () => {
    const root = tree({
      ...V2_ROOT,
      'proc/self/cgroup': '0::/\n',
      ...v2('sys/system.slice/db.service', { max: String(2048 * MB), current: 1024 * MB }),
    });
    expect(open(root, '/system.slice/db.service').read(RAM)?.limit).toBe(2048 * MB);
    expect(open(root, `${root}/sys/system.slice/db.service/`).location.path).toBe('/system.slice/db.service');
    expect(() => open(root, '/system.slice/nope.service')).toThrow(UserError);
    expect(() => open(root, '/system.slice/nope.service')).toThrow(new CgroupNotFoundError('/system.slice/nope.service', `${root}/sys`));
  });

  test('a limit changed at run time is seen at the next read', () => {
    const root = tree({ ...V2_ROOT, 'proc/self/cgroup': '0::/a\n', ...v2('sys/a', { max: 'max', current: 10 * MB }) });
    const r = open(root);
    expect(r.read(RAM)).toBeNull();
    fs.writeFileSync(`${root}/sys/a/memory.max`, String(100 * MB));
    expect(r.read(RAM)?.limit).toBe(100 * MB);
  });

  test('/proc/vmstat oom_kill', () => {
    const root = tree({ 'proc/vmstat': 'nr_free_pages 5\noom_kill 7\nnr_foo 1\n' });
    const v = new VmstatOomKills(`${root}/proc`);
    expect(v.read()).toBe(7);
    v.close();
    const old = tree({ 'proc/vmstat': 'nr_free_pages 5\n' });
    const w = new VmstatOomKills(`${old}/proc`);
    expect(w.read()).toBeNull();
    w.close();
  });
});
