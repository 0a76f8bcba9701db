import fs from 'node:fs';
import os from 'node:os';
import type { HostFacts } from '../core/sample.js';
import { parseOsRelease } from './proc-parse.js';

const OS_RELEASE_PATHS = ['/etc/os-release', '/usr/lib/os-release'];

/** "Debian GNU/Linux 12 (bookworm)" from os-release, or "Linux" when there is none. */
export function linuxDistro(paths: readonly string[] = OS_RELEASE_PATHS): string {
  for (const p of paths) {
    try {
      const name = parseOsRelease(fs.readFileSync(p, 'utf8'));
      if (name) return name;
    } catch {
      // try the next location
    }
  }
  return 'Linux';
}

/** The CPU model from <procRoot>/cpuinfo (x86 "model name", ARM "Model"/"Hardware"), else what Node says. */
export function linuxCpuModel(procRoot: string): string {
  try {
    const text = fs.readFileSync(`${procRoot}/cpuinfo`, 'utf8');
    const m = /^(?:model name|Model|Hardware|cpu model)\s*:\s*(.+)$/m.exec(text);
    if (m) return (m[1] as string).trim();
  } catch {
    // fall through
  }
  return os.cpus()[0]?.model ?? 'unknown';
}

/**
 * Host facts on Linux: from files already read for the first sample plus two
 * small reads, so startup stays in the low milliseconds (systeminformation's
 * osInfo() spawns processes and takes ~100 ms or more).
 */
export function linuxHostFacts(procRoot: string, cores: number, memTotal: number, btime: number): HostFacts {
  return {
    hostname: os.hostname(),
    os: linuxDistro(),
    kernel: os.release(),
    arch: os.arch(),
    cpuModel: linuxCpuModel(procRoot),
    cpuCount: cores > 0 ? cores : os.availableParallelism(),
    memTotal,
    bootTime: btime * 1000,
    monitorPid: process.pid,
  };
}

/** Host facts from Node alone, for the other platforms; `os` is refined later from systeminformation. */
export function nodeHostFacts(now = Date.now()): HostFacts {
  const cpus = os.cpus();
  return {
    hostname: os.hostname(),
    os: `${os.type()} ${os.release()}`,
    kernel: os.release(),
    arch: os.arch(),
    cpuModel: cpus[0]?.model.trim() ?? 'unknown',
    cpuCount: cpus.length || os.availableParallelism(),
    memTotal: os.totalmem(),
    bootTime: Math.round(now - os.uptime() * 1000),
    monitorPid: process.pid,
  };
}
