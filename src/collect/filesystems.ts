import fs from 'node:fs';
import type { FilesystemStats } from '../core/sample.js';
import { parseMounts, type MountEntry } from './proc-parse.js';

/** Disk space changes slowly; statfs on every mount each second would be wasted work. */
export const FILESYSTEM_REFRESH_MS = 10_000;

/**
 * Space per real filesystem (/proc/mounts + statfs), refreshed in the
 * background every ~10 s. statfs is asynchronous on purpose: on a hung NFS
 * mount it blocks, and that must stall only that mount's refresh, never a
 * tick. A mount whose previous statfs has not returned is not asked again.
 */
export class FilesystemWatch {
  private stats: FilesystemStats[] = [];
  private lastRefresh = -Infinity;
  private refreshing: Promise<void> | null = null;
  private readonly pending = new Set<string>();

  constructor(
    private readonly mountsPath: string,
    private readonly refreshMs = FILESYSTEM_REFRESH_MS,
  ) {}

  /** The latest figures; the array is replaced, never mutated, so samples can hold on to it. */
  get current(): FilesystemStats[] {
    return this.stats;
  }

  /** Starts a refresh when one is due; never waits for it. */
  tick(nowMs: number): void {
    if (!this.refreshing && nowMs - this.lastRefresh >= this.refreshMs) void this.refresh(nowMs);
  }

  /** Refreshes now; resolves when the refresh is done or after `timeoutMs`, whichever is first. */
  refresh(nowMs: number, timeoutMs = 500): Promise<void> {
    if (!this.refreshing) {
      this.lastRefresh = nowMs;
      this.refreshing = this.readAll().finally(() => {
        this.refreshing = null;
      });
    }
    return withTimeout(this.refreshing, timeoutMs, undefined);
  }

  private async readAll(): Promise<void> {
    let text: string;
    try {
      text = await fs.promises.readFile(this.mountsPath, 'utf8');
    } catch {
      return;
    }
    const previous = new Map(this.stats.map((s) => [s.mount, s]));
    const results = await Promise.all(
      parseMounts(text).map((m): Promise<FilesystemStats | null> => {
        const last = previous.get(m.mount) ?? null;
        if (this.pending.has(m.mount)) return Promise.resolve(last);
        this.pending.add(m.mount);
        const answer = fs.promises
          .statfs(m.mount)
          .then(
            // blocks 0: nothing to fill (an autofs stub, a pseudo fs not in the list).
            (st) => (st.blocks === 0 ? null : statfsFigures(m, st)),
            () => null,
          )
          .finally(() => this.pending.delete(m.mount));
        return withTimeout(answer, STATFS_TIMEOUT_MS, last);
      }),
    );
    this.stats = results.filter((r): r is FilesystemStats => r !== null);
  }
}

/**
 * A mount's figures from its statfs: used counts every block not free (the root
 * reserve is free, not used); available is what an unprivileged user can still
 * write (f_bavail), as node_exporter's avail, so used + available falls short of
 * size by the reserve.
 */
export function statfsFigures(m: MountEntry, st: Pick<fs.StatsFs, 'bsize' | 'blocks' | 'bfree' | 'bavail'>): FilesystemStats {
  return {
    mount: m.mount,
    device: m.device,
    fsType: m.fsType,
    sizeBytes: st.blocks * st.bsize,
    usedBytes: (st.blocks - st.bfree) * st.bsize,
    availBytes: st.bavail * st.bsize,
  };
}

/** A statfs slower than this keeps the mount's previous figures for this round. */
const STATFS_TIMEOUT_MS = 2000;

function withTimeout<T>(p: Promise<T>, ms: number, fallback: T): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<T>((resolve) => {
    timer = setTimeout(() => resolve(fallback), ms).unref();
  });
  return Promise.race([p, late]).finally(() => clearTimeout(timer));
}
