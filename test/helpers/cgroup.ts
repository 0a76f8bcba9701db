import fs from 'node:fs';

/** A memory cgroup a test created, with a limit; remove() once its processes are gone. */
export interface TestCgroup {
  version: 1 | 2;
  /** Its directory. */
  dir: string;
  /** Its path as /proc/PID/cgroup names it (what --cgroup takes). */
  path: string;
  /** v1 with memory+swap limited too: this kernel (6.18) then counts no failcnt, so limit hits go unseen. */
  hitsUncounted: boolean;
  /** Moves a process in. */
  add(pid: number): void;
  remove(): Promise<void>;
}

const ROOT = '/sys/fs/cgroup';
let counter = 0;

function write(file: string, value: string): void {
  fs.writeFileSync(file, value);
}

/** Removes a cgroup directory, retrying while the kernel still lists a just-killed process in it. */
async function rmdirSoon(dir: string): Promise<void> {
  for (let i = 0; i < 50; i++) {
    try {
      fs.rmdirSync(dir);
      return;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return;
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  fs.rmdirSync(dir);
}

function hasSwap(): boolean {
  return !/^SwapTotal:\s+0 kB/m.test(fs.readFileSync('/proc/meminfo', 'utf8'));
}

/**
 * A v1 memory cgroup limited to `limitBytes` (swap too where there is swap, so a child
 * is killed rather than swapped out), or the reason it cannot be made here.
 */
export function makeV1Cgroup(limitBytes: number): TestCgroup | string {
  const mount = `${ROOT}/memory`;
  if (!fs.existsSync(`${mount}/memory.limit_in_bytes`)) return `no cgroup v1 memory hierarchy at ${mount}`;
  const name = `tmon-test-${process.pid}-${++counter}`;
  const dir = `${mount}/${name}`;
  const memswLimited = hasSwap() && fs.existsSync(`${mount}/memory.memsw.limit_in_bytes`);
  try {
    fs.mkdirSync(dir);
    write(`${dir}/memory.limit_in_bytes`, String(limitBytes));
    // Only where there is swap to fall back on: with memory+swap limited too, this kernel (6.18) counts no failcnt at all.
    if (memswLimited) write(`${dir}/memory.memsw.limit_in_bytes`, String(limitBytes));
  } catch (err) {
    try {
      fs.rmdirSync(dir);
    } catch {
      // It was never made.
    }
    return `cgroupfs at ${mount} is not writable here (${(err as Error).message})`;
  }
  return {
    version: 1,
    dir,
    path: `/${name}`,
    hitsUncounted: memswLimited,
    add: (pid) => write(`${dir}/cgroup.procs`, String(pid)),
    remove: () => rmdirSoon(dir),
  };
}

/** The same on cgroup v2, where the memory controller must be enabled for the root's children. */
export function makeV2Cgroup(limitBytes: number): TestCgroup | string {
  const controllers = (() => {
    try {
      return fs.readFileSync(`${ROOT}/cgroup.controllers`, 'utf8');
    } catch {
      return null;
    }
  })();
  if (controllers === null) return `no cgroup v2 hierarchy mounted at ${ROOT} (a hybrid system mounts it at ${ROOT}/unified, without memory)`;
  if (!/(^|\s)memory(\s|$)/.test(controllers)) return `cgroup v2 at ${ROOT} has no memory controller (controllers: ${controllers.trim() || 'none'})`;
  const name = `tmon-test-${process.pid}-${++counter}`;
  const dir = `${ROOT}/${name}`;
  try {
    write(`${ROOT}/cgroup.subtree_control`, '+memory');
    fs.mkdirSync(dir);
    write(`${dir}/memory.max`, String(limitBytes));
    if (fs.existsSync(`${dir}/memory.swap.max`)) write(`${dir}/memory.swap.max`, '0');
  } catch (err) {
    try {
      fs.rmdirSync(dir);
    } catch {
      // It was never made.
    }
    return `cgroup v2 memory controller at ${ROOT} is not writable here (${(err as Error).message})`;
  }
  return {
    version: 2,
    dir,
    path: `/${name}`,
    hitsUncounted: false,
    add: (pid) => write(`${dir}/cgroup.procs`, String(pid)),
    remove: () => rmdirSoon(dir),
  };
}
