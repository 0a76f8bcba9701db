/**
 * Field tables: one line per field of a record type (name, type, unit,
 * quantum, optional, the recording format that added it), checked against
 * the record's TypeScript interface at compile time. The tables themselves
 * are core/process-schema.ts and core/sample-schema.ts.
 */

/** How finely a number is kept in a recording; the steps are in store/quantise.ts. */
export type QuantumName = 'exact' | 'ms' | 'latency' | 'uptime' | 'seconds' | 'cpu' | 'percent' | 'load' | 'kib' | 'rate' | 'bytes';

interface FieldCommon {
  /** What a value means: a unit for numbers, a short description otherwise. */
  unit: string;
  /** Absent (undefined) when not known or not applicable. */
  optional: boolean;
  /** The recording format that first stored it; older files read it as absent. */
  since: number;
}

export interface NumberField extends FieldCommon {
  type: 'number';
  quantum: QuantumName;
  /** A recording stores its change as the difference from the previous value (levels that move slowly). */
  delta?: true;
}

export interface StringField extends FieldCommon {
  type: 'string';
  /** Longer values are cut on the wire (default MAX_STRING_CHARS). */
  maxChars?: number;
}

export interface BooleanField extends FieldCommon {
  type: 'boolean';
}

/** True or absent, never false. */
export interface FlagField extends FieldCommon {
  type: 'flag';
  optional: true;
}

export type FieldSpec = NumberField | StringField | BooleanField | FlagField;

type IsOptional<T, K extends keyof T> = object extends Pick<T, K> ? true : false;

/** The spec a field of type V (optional or not) must have. */
type SpecFor<V, Optional extends boolean> = [V] extends [true]
  ? FlagField
  : [V] extends [boolean]
    ? BooleanField & { optional: Optional }
    : [V] extends [number]
      ? NumberField & { optional: Optional }
      : [V] extends [string]
        ? StringField & { optional: Optional }
        : never;

/** A table for T: one spec per field of T, of the field's type and optionality; no other fields. */
export type FieldTable<T> = { readonly [K in keyof T]-?: SpecFor<Exclude<T[K], undefined>, IsOptional<T, K>> };

/** A table line with its field's name: a field of T, or of any record by default. */
export type NamedField<T = Record<string, unknown>> = FieldSpec & { name: keyof T & string };

/** Whether a record holds field `f`: a value other than undefined, and for a flag only true (a false flag is absent). */
export function isPresent<V>(f: FieldSpec, v: V | undefined): v is V {
  return v !== undefined && (f.type !== 'flag' || v === true);
}

/** A table's lines in order, each with its name. */
export function fieldList<T>(table: FieldTable<T>): readonly NamedField<T>[] {
  return (Object.entries(table) as [keyof T & string, FieldSpec][]).map(([name, spec]) => ({ ...spec, name }));
}
