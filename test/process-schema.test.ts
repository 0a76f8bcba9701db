import { describe, expect, it } from 'vitest';
import type { ProcessStats } from '../src/core/sample.js';
import type { FieldTable } from '../src/core/field-table.js';
import { PROCESS_FIELDS, PROCESS_FIELD_LIST } from '../src/core/process-schema.js';

/*
 * Type-level checks: each line below must fail to compile (the typecheck
 * reports an unused @ts-expect-error otherwise), so the table cannot drift
 * from the ProcessStats interface in either direction.
 */
// @ts-expect-error a field of ProcessStats without a line in the table
export const missingLine: FieldTable<ProcessStats> = {} as Omit<typeof PROCESS_FIELDS, 'outside'>;
export const extraLine = {
  ...PROCESS_FIELDS,
  // @ts-expect-error a line for a field ProcessStats does not have
  gpu: { type: 'number', quantum: 'cpu', unit: '%', optional: true, since: 3 },
} satisfies FieldTable<ProcessStats>;
export const wrongOptional = {
  ...PROCESS_FIELDS,
  // @ts-expect-error rssPeak is optional in ProcessStats
  rssPeak: { ...PROCESS_FIELDS.rssPeak, optional: false },
} satisfies FieldTable<ProcessStats>;
export const wrongType = {
  ...PROCESS_FIELDS,
  // @ts-expect-error threads is a number in ProcessStats
  threads: { type: 'string', unit: 'count', optional: false, since: 1 },
} satisfies FieldTable<ProcessStats>;

describe('the process schema', () => {
  it('makes every field added after format 1 optional: older files do not hold it', () => {
    expect(PROCESS_FIELD_LIST.filter((f) => f.since > 1 && !f.optional)).toEqual([]);
  });

  it('keeps pid and start time first: a recording writes them as gaps before the other fields', () => {
    expect(PROCESS_FIELD_LIST.slice(0, 2).map((f) => f.name)).toEqual(['pid', 'startTime']);
  });
});
