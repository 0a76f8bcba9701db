import type { PressureTotals, ProcessStats, Sample } from '../core/sample.js';
import { PROCESS_FIELD_LIST } from '../core/process-schema.js';
import { PROBE_FIELDS } from '../core/probe-schema.js';
import { CPU_SHARE_FIELDS, FILESYSTEM_FIELDS, LOAD_FIELDS, MEMORY_FIELDS, PRESSURE_TOTAL_FIELDS, TASK_FIELDS } from '../core/sample-schema.js';
import { isPresent, type NamedField, type QuantumName } from '../core/field-table.js';

/**
 * What a recording keeps of each number. Every value is stored as an integer
 * count of its quantum; reading it back gives `round(x / quantum) * quantum`.
 * The quanta are finer than anything the dashboard shows or the kernel
 * measures (RSS and /proc/meminfo are whole KiB; process CPU at 100 Hz ticks
 * is 1 % per second), so this is lossless in practice. Non-finite numbers are
 * stored as 0; pressure stays null when it is null.
 *
 * | field | quantum |
 * | --- | --- |
 * | time, host facts, strings, counts | exact |
 * | intervalMs | 1 ms |
 * | uptime | 0.01 s |
 * | pressure stall totals | 1 ms |
 * | CPU shares (total, per core, busyMin/Max) | 0.1 percentage point |
 * | pressure, load average | 0.01 |
 * | memory and swap | 1 KiB |
 * | network and disk rates | 1 B/s |
 * | filesystem size, used and available | 1 byte |
 * | process fields | their `quantum` in core/process-schema.ts |
 *
 * Processes read back sorted by pid (then start time), whatever order they were
 * recorded in: the order carries no meaning and storing it would cost bytes.
 */
export interface Quantum {
  /** Number → stored integer. */
  encode(x: number): number;
  /** Stored integer → number. */
  decode(v: number): number;
}

function finite(x: number): number {
  return Number.isFinite(x) ? x : 0;
}

/** Quantum 1/scale: decodes by dividing so 3 tenths read back as 0.3, not 0.30000000000000004. */
function fraction(scale: number): Quantum {
  return { encode: (x) => Math.round(finite(x) * scale) || 0, decode: (v) => v / scale };
}

function multiple(step: number): Quantum {
  return { encode: (x) => Math.round(finite(x) / step) || 0, decode: (v) => v * step };
}

export const Q = {
  exact: fraction(1),
  ms: fraction(1),
  /** Round trips: a loopback ping answers in a tenth of a millisecond. */
  latency: fraction(100),
  uptime: fraction(100),
  seconds: fraction(1000),
  cpu: fraction(10),
  percent: fraction(100),
  load: fraction(100),
  kib: multiple(1024),
  rate: fraction(1),
  bytes: fraction(1),
} satisfies Record<QuantumName, Quantum>;

export function quantise(q: Quantum, x: number): number {
  return q.decode(q.encode(x));
}

function quantiseNullable(q: Quantum, x: number | null): number | null {
  return x === null ? null : quantise(q, x);
}

/** How a record reads back: numbers quantised as its field table says, optional fields present only when they were. */
export function quantiseFields<T extends object>(list: readonly NamedField<T>[], x: T): T {
  const r = x as Record<string, unknown>;
  const out: Record<string, unknown> = {};
  for (const f of list) {
    const v = r[f.name];
    if (!isPresent(f, v)) continue;
    out[f.name] = f.type === 'number' ? quantise(Q[f.quantum], v as number) : v;
  }
  return out as T;
}

/** A probe's fields a recording keeps: why it was down is shown live only (its up and status are kept). */
const STORED_PROBE_FIELDS = PROBE_FIELDS.filter((f) => f.name !== 'error');

/** How a process reads back. */
function quantiseProcess(p: ProcessStats): ProcessStats {
  return quantiseFields(PROCESS_FIELD_LIST, p);
}

/** The order processes read back in. */
export function compareProcesses(a: ProcessStats, b: ProcessStats): number {
  return a.pid - b.pid || a.startTime - b.startTime;
}

/**
 * Exactly what reading `sample` back from a recording gives: the contract the
 * round-trip tests check. Records with a field table are quantised from it
 * (quantiseFields); the other numbers with the quanta the codec stores them in.
 */
export function quantiseSample(s: Sample): Sample {
  const share = (c: Sample['cpu']['total']): Sample['cpu']['total'] => quantiseFields(CPU_SHARE_FIELDS, c);
  return {
    version: s.version,
    time: s.time,
    intervalMs: quantise(Q.ms, s.intervalMs),
    host: { ...s.host },
    uptime: quantise(Q.uptime, s.uptime),
    cpu: {
      total: share(s.cpu.total),
      cores: s.cpu.cores.map(share),
      busyMin: quantise(Q.cpu, s.cpu.busyMin),
      busyMax: quantise(Q.cpu, s.cpu.busyMax),
    },
    load: quantiseFields(LOAD_FIELDS, s.load),
    memory: quantiseFields(MEMORY_FIELDS, s.memory),
    pressure: {
      cpu: quantiseNullable(Q.percent, s.pressure.cpu),
      memory: quantiseNullable(Q.percent, s.pressure.memory),
      io: quantiseNullable(Q.percent, s.pressure.io),
      ...quantiseFields<PressureTotals>(PRESSURE_TOTAL_FIELDS, s.pressure),
    },
    tasks: quantiseFields(TASK_FIELDS, s.tasks),
    processes: s.processes.map(quantiseProcess).sort(compareProcesses),
    net: s.net.map((n) => ({
      name: n.name,
      rxBytesPerSec: quantise(Q.rate, n.rxBytesPerSec),
      txBytesPerSec: quantise(Q.rate, n.txBytesPerSec),
      ...(n.virtual === true ? { virtual: true } : {}),
    })),
    filesystems: s.filesystems.map((f) => quantiseFields(FILESYSTEM_FIELDS, f)),
    disks: s.disks.map((d) => ({
      device: d.device,
      readBytesPerSec: quantise(Q.rate, d.readBytesPerSec),
      writeBytesPerSec: quantise(Q.rate, d.writeBytesPerSec),
    })),
    // Why a probe is down is shown live and not stored: its status and up are.
    ...(s.probes ? { probes: s.probes.map((p) => quantiseFields(STORED_PROBE_FIELDS, p)) } : {}),
  };
}
