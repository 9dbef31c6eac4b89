// The workbook writer on its own: what each value becomes in a cell, read back
// with read-excel-file as a spreadsheet would show it.
import { describe, it, expect } from 'vitest';
import readXlsxFile from 'read-excel-file/node';
import { toXlsx, type CsvColumn } from '../../src/reports/index.js';

type Row = Record<string, string | number | null>;

/** The one data row of a workbook of `columns` over `row`. */
async function cellsOf(columns: CsvColumn<Row>[], row: Row) {
  const [sheet] = await readXlsxFile(await toXlsx({ columns, rows: [row] }, 'test'));
  return sheet.data[1];
}

describe('when a text column holds a text shaped as a day', () => {
  it('writes it as the text it is, and only a day column as a date', async () => {
    const columns: CsvColumn<Row>[] = [
      { header: 'number', value: (r) => r.number },
      { header: 'name', value: (r) => r.name },
      { header: 'due_date', value: (r) => r.due, day: true },
    ];
    const cells = await cellsOf(columns, { number: '2026-01-15', name: '2026-02-30', due: '2026-03-31' });
    expect(cells).toEqual(['2026-01-15', '2026-02-30', new Date('2026-03-31T00:00:00Z')]);
  });
});

describe('when a number is not finite', () => {
  it('writes it as the CSV does, as text, and the workbook still opens', async () => {
    const columns: CsvColumn<Row>[] = ['a', 'b', 'c', 'd'].map((h) => ({ header: h, value: (r) => r[h] }));
    const cells = await cellsOf(columns, { a: Number.NaN, b: Number.POSITIVE_INFINITY, c: Number.NEGATIVE_INFINITY, d: 1.5 });
    expect(cells).toEqual(['NaN', 'Infinity', '-Infinity', 1.5]);
  });
});

describe('when a day falls before March 1900', () => {
  it('writes it as text: no date cell shows it right in both Excel and LibreOffice', async () => {
    const columns: CsvColumn<Row>[] = [{ header: 'due_date', value: (r) => r.due, day: true }];
    expect(await cellsOf(columns, { due: '1900-01-15' })).toEqual(['1900-01-15']);
    expect(await cellsOf(columns, { due: '1900-03-01' })).toEqual([new Date('1900-03-01T00:00:00Z')]);
  });
});

describe('when a text is longer than a cell holds', () => {
  it("cuts it at Excel's 32,767 characters, ending with an ellipsis that shows the cut", async () => {
    const columns: CsvColumn<Row>[] = [{ header: 'invoices', value: (r) => r.invoices }];
    const [cell] = await cellsOf(columns, { invoices: 'INV-0001; '.repeat(4000) });
    expect(cell).toHaveLength(32_767);
    expect(cell).toBe(`${'INV-0001; '.repeat(4000).slice(0, 32_766)}…`);
  });
});
