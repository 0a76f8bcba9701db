import type { ProcessStats } from './sample.js';
import { isPresent } from './field-table.js';
import { PROCESS_FIELD_LIST, asRecord, fromRecord, type ProcessFieldName, type ProcessRecord } from './process-schema.js';

/**
 * A sample's process list packed by a ProcessPacker: one row of numbers per
 * process. A plain array of doubles, not a Float64Array: it lives on the JS
 * heap, where thousands of small ones cost less than as many ArrayBuffers.
 */
export type PackedProcesses = readonly number[];

/** The usage figures (packed per sample), in table order: the rest of a process is its identity. */
const VARYING = PROCESS_FIELD_LIST.filter((f) => f.type === 'number' && f.varies === true);
const REQUIRED_VARYING = VARYING.filter((f) => !f.optional).map((f) => f.name);
const OPTIONAL_VARYING = VARYING.filter((f) => f.optional).map((f) => f.name);
const IDENTITY = PROCESS_FIELD_LIST.filter((f) => !(f.type === 'number' && f.varies === true));

/** What stays the same from one sample to the next for a process: everything but its usage figures. */
interface Identity {
  id: number;
  key: string;
  /** Packed lists holding this identity; at 0 it is forgotten. */
  refs: number;
  /** The identity fields, present ones only. */
  fields: ProcessRecord;
  /** The optional usage figures this process has, in OPTIONAL_VARYING order. */
  optional: ProcessFieldName[];
  /** Numbers in each of its rows: the id, the required and the present optional usage figures. */
  rowLength: number;
}

/**
 * Keeps many samples' process lists compact and exact. A process's strings and
 * other unchanging fields are stored once, as an identity shared by every list
 * that holds it; each list is one row of numbers per process: identity, then
 * its usage figures (the table's `varies` fields, optional ones when present)
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
      const r = asRecord(p);
      const identity = this.hold(r);
      out.push(identity.id);
      for (const name of REQUIRED_VARYING) out.push(r[name] as number);
      for (const name of identity.optional) out.push(r[name] as number);
    }
    return out;
  }

  /** The processes as they were packed (equal, not the same objects). */
  unpack(packed: PackedProcesses): ProcessStats[] {
    const out: ProcessStats[] = [];
    for (let at = 0; at < packed.length; ) {
      const d = this.byId[packed[at++] as number] as Identity;
      const r: ProcessRecord = { ...d.fields };
      for (const name of REQUIRED_VARYING) r[name] = packed[at++] as number;
      for (const name of d.optional) r[name] = packed[at++] as number;
      out.push(fromRecord(r));
    }
    return out;
  }

  /** Lets go of a packed list that will not be unpacked again. */
  release(packed: PackedProcesses): void {
    for (let at = 0; at < packed.length; ) {
      const d = this.byId[packed[at] as number] as Identity;
      at += d.rowLength;
      if (--d.refs > 0) continue;
      this.byKey.delete(d.key);
      this.byId[d.id] = undefined;
      this.freeIds.push(d.id);
    }
  }

  private hold(r: ProcessRecord): Identity {
    // Which optional figures are present, bit i for OPTIONAL_VARYING[i]: no array per process per sample.
    let present = 0;
    for (let i = 0; i < OPTIONAL_VARYING.length; i++) {
      if (r[OPTIONAL_VARYING[i] as ProcessFieldName] !== undefined) present |= 1 << i;
    }
    const key = identityKey(r, present);
    let d = this.byKey.get(key);
    if (!d) {
      const optional = OPTIONAL_VARYING.filter((_, i) => (present & (1 << i)) !== 0);
      const id = this.freeIds.pop() ?? this.byId.length;
      const fields: ProcessRecord = {};
      for (const f of IDENTITY) {
        const v = r[f.name];
        if (isPresent(f, v)) fields[f.name] = v;
      }
      d = { id, key, refs: 0, fields, optional, rowLength: 1 + REQUIRED_VARYING.length + optional.length };
      this.byKey.set(key, d);
      this.byId[id] = d;
    }
    d.refs++;
    return d;
  }
}

/**
 * The identity fields and which optional figures are present (`present`: bit i
 * for OPTIONAL_VARYING[i]), in a string no two identities share.
 */
function identityKey(r: ProcessRecord, present: number): string {
  let key = String(present);
  for (const f of IDENTITY) {
    const v = r[f.name];
    // Every part ends unambiguously: strings carry their length, so no content can run into the next field.
    if (typeof v === 'string') key += `|${v.length}:${v}`;
    else if (!isPresent(f, v)) key += '|-';
    else key += `|${typeof v === 'boolean' ? +v : v}`;
  }
  return key;
}
