import { describe, expect, it } from 'vitest';
import type { NamedField } from '../src/core/field-table.js';
import type { Sample } from '../src/core/sample.js';
import { SYSTEM_RECORDS } from '../src/core/sample-schema.js';
import { SYSTEM_OPTIONAL, declareSystemFields, optionalCount, optionalVector, readSystemDeclaration, setOptional, systemLine } from '../src/store/system-fields.js';
import { ByteReader, ByteWriter } from '../src/store/varint.js';
import { makeSample } from './helpers/make-sample.js';

const COUNTS = { sample: 1, core: 2, net: 1, filesystem: 1, disk: 1, probe: 1 };

describe('optional system fields', () => {
  it('declares every optional line of the system tables, by record and field name', () => {
    // Only numbers: an optional string (why a probe is down) is not stored.
    const optional = Object.entries(SYSTEM_RECORDS).flatMap(([record, { fields }]) =>
      (fields as readonly NamedField[]).filter((f) => f.optional && f.type === 'number').map((f) => `${record}.${f.name}`),
    );
    expect(SYSTEM_OPTIONAL.map((l) => l.name)).toEqual(optional);
    expect(SYSTEM_OPTIONAL.map((l) => l.name)).toEqual(expect.arrayContaining(['memory.limit', 'pressure.ioFullSeconds', 'filesystems.availBytes']));
  });

  it('finds declared fields by name whatever their order, and passes over one it does not know by its kind', () => {
    // Declared only: its values (one per core) are written by hand below.
    const perCore = systemLine('cpu', 'core', { name: 'frequency', type: 'number', quantum: 'exact', unit: 'MHz', optional: true, since: 9 });
    const lines = [perCore, ...[...SYSTEM_OPTIONAL].reverse()];
    const w = new ByteWriter();
    declareSystemFields(w, lines);
    const declared = readSystemDeclaration(new ByteReader(w.toBuffer()));
    expect(declared.map((d) => d.line?.name)).toEqual([undefined, ...[...SYSTEM_OPTIONAL].reverse().map((l) => l.name)]);
    expect(optionalCount(declared, COUNTS)).toBe(2 + SYSTEM_OPTIONAL.length);

    const sent = makeSample({ time: 1e12 });
    sent.pressure = { ...sent.pressure, memoryFullSeconds: 1.5 };
    sent.filesystems = sent.filesystems.map((f) => ({ ...f, availBytes: 12345 }));
    sent.probes = [{ target: 'tcp://db:5432', up: true, ms: 3.25 }];
    // A newer tmon's values: the two per-core ones first, then the known fields in reverse.
    const values = [7, 9, ...(optionalVector(sent, [...SYSTEM_OPTIONAL].reverse()) ?? [])];
    const back: Sample = { ...makeSample({ time: 1e12 }), probes: [{ target: 'tcp://db:5432', up: true }] };
    setOptional(back, declared, COUNTS, values);
    expect(back.probes?.[0]?.ms).toBe(3.25);
    expect(back.pressure.memoryFullSeconds).toBe(1.5);
    expect(back.filesystems[0]?.availBytes).toBe(12345);
    expect(back.memory.limit).toBeUndefined();
  });

  it('writes no values for a sample that sets none', () => {
    expect(optionalVector(makeSample({ time: 1e12 }), SYSTEM_OPTIONAL)).toBeNull();
  });
});
