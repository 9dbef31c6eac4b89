import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backends, openTestStorage, type TestStorage } from '../helpers/storage.js';
import { CopyLines, copyLine, replaceComputedFields, writeComputedFields, type ComputedFieldRow } from '../../src/scoring/computed-fields.js';
import { copyCell } from '../../src/db/sql.js';
import { computedFieldsOf } from '../../src/scoring/computed-fields.js';

const base = { entityType: 'customer' as const, entityId: 1, modelVersion: 'm@1' };

describe.each(await backends())('writing computed fields on %s', (backend) => {
  let s: TestStorage;
  beforeAll(async () => {
    s = await openTestStorage(backend);
    await s.db.exec(`INSERT INTO customers (id, external_id, name) VALUES (1, 'C1', 'One')`);
  });
  afterAll(async () => s.close());

  const rows: ComputedFieldRow[] = [
    { ...base, name: 'score', value: 0.25, confidence: 0.9, reasons: [] },
    { ...base, name: 'alert', value: true, confidence: null, reasons: [{ factor: 'delay', text: 'paid 15,\t16\nand 18 days late \\ usual 8', weight: 1, value: true }] },
    { ...base, name: 'lever', value: 'discount\tnow', confidence: 0.5, reasons: [] },
    { ...base, name: 'nothing', value: Number.NaN, confidence: null, reasons: [] },
  ];

  it('reads back every value, confidence and reason as written, tabs, newlines and backslashes included', async () => {
    await writeComputedFields(s.db, rows);
    const back = await computedFieldsOf(s.db, 'customer', 1);
    const byName = new Map(back.map((f) => [f.name, f]));
    expect(byName.get('score')).toMatchObject({ value: 0.25, confidence: 0.9, reasons: [], modelVersion: 'm@1' });
    expect(byName.get('alert')).toMatchObject({ value: true, confidence: null, reasons: rows[1].reasons });
    expect(byName.get('lever')).toMatchObject({ value: 'discount\tnow' });
    expect(byName.get('nothing')).toMatchObject({ value: null });
  });

  it('keeps no number that is not finite, written here or by other code: JSON cannot carry NaN or Infinity', async () => {
    await writeComputedFields(s.db, [{ ...base, name: 'unsure', value: 0.5, confidence: Number.NaN, reasons: [] }]);
    await s.db.exec(`INSERT INTO computed_fields (entity_type, entity_id, name, value_num, confidence, model_version)
      VALUES ('customer', 1, 'odd', 'Infinity', '-Infinity', 'other@1')`);
    const byName = new Map((await computedFieldsOf(s.db, 'customer', 1)).map((f) => [f.name, f]));
    expect(byName.get('unsure')).toMatchObject({ value: 0.5, confidence: null });
    expect(byName.get('odd')).toMatchObject({ value: null, confidence: null });
    const [{ confidence }] = await s.db.query<{ confidence: number | null }>("SELECT confidence FROM computed_fields WHERE name = 'unsure'");
    expect(confidence).toBeNull();
  });

  it('replaces a slice\'s fields by the new rows alone', async () => {
    await replaceComputedFields(s.db, { customers: [1, 1], customerFields: ['score', 'alert', 'lever', 'nothing', 'unsure', 'odd'], invoiceFields: [] }, [
      { ...base, name: 'score', value: 0.75, confidence: null, reasons: [] },
    ]);
    const back = await computedFieldsOf(s.db, 'customer', 1);
    expect(back.map((f) => [f.name, f.value])).toEqual([['score', 0.75]]);
  });
});

describe('COPY lines of computed fields', () => {
  // The encoding as it was first written: every column through copyCell, the reasons as JSON.
  const reference = (r: ComputedFieldRow) =>
    [
      r.entityType, r.entityId, r.name,
      typeof r.value === 'number' && Number.isFinite(r.value) ? r.value : null,
      typeof r.value === 'string' ? r.value : null,
      typeof r.value === 'boolean' ? r.value : null,
      r.confidence, JSON.stringify(r.reasons), r.modelVersion,
    ].map(copyCell).join('\t') + '\n';
  const rows: ComputedFieldRow[] = Array.from({ length: 20_000 }, (_, i) => ({
    entityType: i % 2 ? 'invoice' : 'customer',
    entityId: i,
    name: ['score', 'alert', 'lever', 'nothing'][i % 4],
    value: [i / 7, i % 3 === 0, `lever\t${i}`, Number.NaN, null][i % 5],
    confidence: i % 6 ? i / 20_000 : null,
    reasons: i % 3 ? [] : [{ factor: 'délai', text: `payé ${i} jours en retard → «\n» \\ usual ≥ 8 ${'x'.repeat(i % 400)}`, weight: -i, value: i % 2 === 0 }],
    modelVersion: 'm@1',
  }));

  it('encodes each row as every column through copyCell, reasons as their JSON', () => {
    for (const r of rows.slice(0, 200)) expect(copyLine(r)).toBe(reference(r));
  });

  it('gives the UTF-8 bytes of the rows\' lines, in order, across buffer boundaries', () => {
    const lines = new CopyLines();
    lines.add(rows.slice(0, 10));
    lines.add(rows.slice(10));
    const chunks = lines.finish();
    expect(chunks.length).toBeGreaterThan(1);
    expect(lines.rows).toBe(rows.length);
    expect(Buffer.concat(chunks).equals(Buffer.from(rows.map(reference).join(''), 'utf8'))).toBe(true);
  });
});
