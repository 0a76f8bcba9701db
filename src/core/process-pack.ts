import type { ProcessStats } from './sample.js';

/**
 * A sample's process list packed by a ProcessPacker: one row of numbers per
 * process. A plain array of doubles, not a Float64Array: it lives on the JS
 * heap, where thousands of small ones cost less than as many ArrayBuffers.
 */
export type PackedProcesses = readonly number[];

/** What stays the same from one sample to the next for a process: everything but its usage figures. */
interface Identity extends Pick<ProcessStats, 'pid' | 'ppid' | 'uid' | 'user' | 'name' | 'cmd' | 'state' | 'startTime' | 'kernelThread'> {
  id: number;
  key: string;
  /** Packed lists holding this identity; at 0 it is forgotten. */
  refs: number;
  exited: boolean | undefined;
  outside: boolean;
  hasRssPeak: boolean;
  hasChildCpu: boolean;
}

/**
 * Keeps many samples' process lists compact and exact. A process's strings and
 * other unchanging fields are stored once, as an identity shared by every list
 * that holds it; each list is one row of numbers per process: identity,
 * cpu, rss, memPercent, threads, then rssPeak and childCpu when present
 * (~45 bytes instead of ~200 as an object, and strings parsed afresh each
 * tick are not kept once per sample). Identities are counted, so `release`
 * forgets what no list holds any more: an hour of short-lived processes does
 * not pile up.
 */
export class ProcessPacker {
  private readonly byKey = new Map<string, Identity>();
  private readonly byId: (Identity | undefined)[] = [];
  private readonly freeIds: number[] = [];

  /** Identities currently held. */
  get identities(): number {
    return this.byKey.size;
  }

  pack(processes: readonly ProcessStats[]): PackedProcesses {
    const out: number[] = [];
    for (const p of processes) {
      const identity = this.hold(p);
      out.push(identity.id, p.cpu, p.rss, p.memPercent, p.threads);
      if (identity.hasRssPeak) out.push(p.rssPeak as number);
      if (identity.hasChildCpu) out.push(p.childCpu as number);
    }
    return out;
  }

  /** The processes as they were packed (equal, not the same objects). */
  unpack(packed: PackedProcesses): ProcessStats[] {
    const out: ProcessStats[] = [];
    for (let at = 0; at < packed.length; ) {
      const d = this.byId[packed[at++] as number] as Identity;
      const p: ProcessStats = {
        pid: d.pid,
        ppid: d.ppid,
        uid: d.uid,
        user: d.user,
        name: d.name,
        cmd: d.cmd,
        state: d.state,
        startTime: d.startTime,
        cpu: packed[at++] as number,
        rss: packed[at++] as number,
        memPercent: packed[at++] as number,
        threads: packed[at++] as number,
        kernelThread: d.kernelThread,
      };
      if (d.hasRssPeak) p.rssPeak = packed[at++] as number;
      if (d.hasChildCpu) p.childCpu = packed[at++] as number;
      if (d.exited !== undefined) p.exited = d.exited;
      if (d.outside) p.outside = true;
      out.push(p);
    }
    return out;
  }

  /** Lets go of a packed list that will not be unpacked again. */
  release(packed: PackedProcesses): void {
    for (let at = 0; at < packed.length; ) {
      const d = this.byId[packed[at] as number] as Identity;
      at += 5 + (d.hasRssPeak ? 1 : 0) + (d.hasChildCpu ? 1 : 0);
      if (--d.refs > 0) continue;
      this.byKey.delete(d.key);
      this.byId[d.id] = undefined;
      this.freeIds.push(d.id);
    }
  }

  private hold(p: ProcessStats): Identity {
    const hasRssPeak = p.rssPeak !== undefined;
    const hasChildCpu = p.childCpu !== undefined;
    // Strings carry their length so no content can run into the next field.
    const key = `${p.pid}|${p.ppid}|${p.uid}|${p.startTime}|${+p.kernelThread}${p.exited === undefined ? '' : +p.exited}${p.outside === true ? 'o' : ''}|${+hasRssPeak}${+hasChildCpu}|${p.state.length}:${p.state}${p.user.length}:${p.user}${p.name.length}:${p.name}${p.cmd}`;
    let d = this.byKey.get(key);
    if (!d) {
      const id = this.freeIds.pop() ?? this.byId.length;
      d = {
        id,
        key,
        refs: 0,
        pid: p.pid,
        ppid: p.ppid,
        uid: p.uid,
        user: p.user,
        name: p.name,
        cmd: p.cmd,
        state: p.state,
        startTime: p.startTime,
        kernelThread: p.kernelThread,
        exited: p.exited,
        outside: p.outside === true,
        hasRssPeak,
        hasChildCpu,
      };
      this.byKey.set(key, d);
      this.byId[id] = d;
    }
    d.refs++;
    return d;
  }
}
