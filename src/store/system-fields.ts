import type { Sample } from '../core/sample.js';
import type { NamedField } from '../core/field-table.js';
import { SYSTEM_RECORDS, type SystemPer } from '../core/sample-schema.js';
import { Q } from './quantise.js';
import { optionalIn, optionalOut } from './process-records.js';
import type { ByteReader, ByteWriter } from './varint.js';

/**
 * The optional system fields of a sample body (sample-codec.ts), from format 4:
 * the optional numbers of the records in SYSTEM_RECORDS (core/sample-schema.ts).
 *
 * A keyframe declares them: count, then per field
 *   name (string, `record.field`), kind (uint: how many values a sample holds —
 *   0 one, 1 per core, 2 per net interface, 3 per filesystem, 4 per disk, 5 per probe)
 * and a sample that sets any of them carries, after its system vector, each
 * declared field's values in declared order (optionalOut each: 0 absent),
 * differenced with the vector. A reader finds a field by name, whatever the
 * order, and skips one it does not know: its kind and the sample's shape say
 * how many values to pass over. A kind it does not know is damage (a new kind
 * is a change of layout, a format bump).
 */

/** A kind's code is its index here. */
const PERS: readonly SystemPer[] = ['sample', 'core', 'net', 'filesystem', 'disk', 'probe'];
/** More declared fields, or a longer name, is damage. */
const MAX_DECLARED_FIELDS = 64;
const MAX_FIELD_NAME_BYTES = 64;

type NumberLine = Extract<NamedField, { type: 'number' }>;

/** How many of each kind a sample holds: one, and the lengths of its lists (the sample's shape). */
export type ShapeCounts = Record<SystemPer, number>;

/** An optional system number as a recording declares it. */
export interface SystemLine {
  /** `record.field`, e.g. `filesystems.availBytes`. */
  name: string;
  per: SystemPer;
  field: NumberLine;
  /** The objects of a sample that hold the field: its record, or its list's entries (as many as `per` says). */
  items: (s: Sample) => readonly object[];
}

/** The line of `field` of the sample's record `record` (a top-level key: one object, or a list of them). */
export function systemLine(record: keyof Sample, per: SystemPer, field: NumberLine): SystemLine {
  const items = (s: Sample): readonly object[] => {
    const x: unknown = s[record];
    // An optional list (probes) that a sample lacks holds nothing.
    return Array.isArray(x) ? (x as object[]) : x === undefined ? [] : [x as object];
  };
  return { name: `${record}.${field.name}`, per, field, items };
}

/** The optional numbers of SYSTEM_RECORDS: what a format 4 keyframe declares. */
export const SYSTEM_OPTIONAL: readonly SystemLine[] = Object.entries(SYSTEM_RECORDS).flatMap(([record, { per, fields }]) =>
  (fields as readonly NamedField[]).filter((f): f is NumberLine => f.type === 'number' && f.optional).map((f) => systemLine(record as keyof Sample, per, f)),
);

/** A field as a group declares it, with this tmon's line for it (undefined: unknown, skipped). */
export interface DeclaredLine {
  per: SystemPer;
  line: SystemLine | undefined;
}

export function declareSystemFields(w: ByteWriter, lines: readonly SystemLine[]): void {
  w.uint(lines.length);
  for (const l of lines) {
    w.string(l.name);
    w.uint(PERS.indexOf(l.per));
  }
}

export function readSystemDeclaration(r: ByteReader): DeclaredLine[] {
  const count = r.count(2);
  if (count > MAX_DECLARED_FIELDS) throw new RangeError(`${count} optional system fields declared`);
  const seen = new Set<string>();
  const out: DeclaredLine[] = [];
  for (let i = 0; i < count; i++) {
    const name = r.string(MAX_FIELD_NAME_BYTES);
    const code = r.uint();
    const per = PERS[code];
    if (per === undefined) throw new RangeError(`optional system field ${name} of unknown kind ${code}`);
    if (seen.has(name)) throw new RangeError(`optional system field ${name} declared twice`);
    seen.add(name);
    out.push({ per, line: SYSTEM_OPTIONAL.find((l) => l.name === name && l.per === per) });
  }
  return out;
}

/** How many optional values a sample of a group with this declaration holds when it has any. */
export function optionalCount(declared: readonly DeclaredLine[], counts: ShapeCounts): number {
  let n = 0;
  for (const d of declared) n += counts[d.per];
  return n;
}

/** A sample's optional values as stored integers (optionalOut), in the lines' order, or null when none is set. */
export function optionalVector(s: Sample, lines: readonly SystemLine[]): number[] | null {
  const out: number[] = [];
  let any = false;
  for (const l of lines) {
    const q = Q[l.field.quantum];
    for (const item of l.items(s)) {
      const x = (item as Record<string, number | undefined>)[l.field.name];
      const z = x === undefined ? 0 : optionalOut(q.encode(x));
      if (z !== 0) any = true;
      out.push(z);
    }
  }
  return any ? out : null;
}

/** Sets on a decoded sample the declared fields this tmon knows, from its optional values; the others are passed over. */
export function setOptional(s: Sample, declared: readonly DeclaredLine[], counts: ShapeCounts, values: readonly number[]): void {
  let at = 0;
  for (const { per, line } of declared) {
    const n = counts[per];
    if (line) {
      const q = Q[line.field.quantum];
      const items = line.items(s);
      for (let k = 0; k < n; k++) {
        const x = optionalIn(values[at + k] ?? 0);
        if (x !== undefined) (items[k] as Record<string, number>)[line.field.name] = q.decode(x);
      }
    }
    at += n;
  }
}
