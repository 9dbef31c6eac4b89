// The reports as Excel workbooks over HTTP, on the hand-checked portfolio of
// portfolio.ts: the same rows as the CSV, numbers as numbers, days as dates.
import { describe, it, expect } from 'vitest';
import readXlsxFile from 'read-excel-file/node';
import { backends } from '../helpers/storage.js';
import { auth } from '../helpers/app.js';
import { reportsApi } from './api.js';
import { seedPortfolio } from './portfolio.js';

const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

/** The workbook's one sheet, as rows of cells. */
async function sheetOf(body: Buffer) {
  const sheets = await readXlsxFile(body);
  expect(sheets).toHaveLength(1);
  return sheets[0];
}

const day = (iso: string) => new Date(`${iso}T00:00:00Z`);

for (const backend of await backends()) {
  describe(`the reports as workbooks on ${backend}`, () => {
    const api = reportsApi(backend, seedPortfolio);
    const { get } = api;

    describe('when a credit manager exports the aging balance with format=xlsx', () => {
      it('answers one sheet with the CSV\'s header and rows, amounts as numbers and dates as dates', async () => {
        const res = await get('/v1/reports/aging?asOf=2026-03-31&months=2&format=xlsx');
        expect(res.statusCode).toBe(200);
        expect(res.headers['content-type']).toBe(XLSX);
        expect(res.headers['content-disposition']).toContain('"aging-USD-2026-03-31.xlsx"');
        const sheet = await sheetOf(res.rawPayload);
        expect(sheet.sheet).toBe('aging');
        const csv = (await get('/v1/reports/aging?asOf=2026-03-31&months=2&format=csv')).body.trim().split('\r\n');
        expect(sheet.data[0]).toEqual(csv[0].split(','));
        const json = (await get('/v1/reports/aging?asOf=2026-03-31&months=2')).json();
        expect(sheet.data.slice(1).map((r) => [r[0], r[1], r[3], r[4]])).toEqual(
          json.trend.map((t: { month: string; date: string; total: { amount: number; count: number } }) => [t.month, day(t.date), t.total.amount, t.total.count]),
        );
      });
    });

    describe('when the overdue statement is asked for as a workbook by the Accept header', () => {
      it('answers every invoice, due dates as dates, open amounts as numbers, an empty cell for no status', async () => {
        const res = await api.t.app.inject({ url: '/v1/reports/overdue?asOf=2026-03-31&limit=1', headers: { ...auth('analyst'), accept: XLSX } });
        expect(res.statusCode).toBe(200);
        expect(res.headers.vary).toMatch(/Accept/);
        expect(res.headers['content-disposition']).toContain('"overdue-USD-2026-03-31.xlsx"');
        const { data } = await sheetOf(res.rawPayload);
        const header = data[0] as string[];
        const col = (name: string) => header.indexOf(name);
        const json = (await get('/v1/reports/overdue?asOf=2026-03-31')).json();
        expect(data.slice(1).map((r) => [r[col('number')], r[col('due_date')], r[col('open_amount')], r[col('days_overdue')], r[col('status')]])).toEqual(
          json.items.map((i: { number: string; dueDate: string; openAmount: number; daysOverdue: number; status: string | null }) =>
            [i.number, day(i.dueDate), i.openAmount, i.daysOverdue, i.status]),
        );
        expect(data.length - 1).toBe(3);
      });

      it('keeps a collector key to its own customers', async () => {
        const res = await get('/v1/reports/overdue?asOf=2026-03-31&format=xlsx', 'collector');
        const { data } = await sheetOf(res.rawPayload);
        const collector = (data[0] as string[]).indexOf('collector');
        expect(data.slice(1).map((r) => r[collector])).toEqual(['alice']);
      });
    });

    describe('when the format is one the reports do not make', () => {
      it('refuses it with a 400 problem', async () => {
        const res = await get('/v1/reports/dso?format=xls');
        expect(res.statusCode).toBe(400);
        expect(res.json()).toMatchObject({ code: 'AR_ERR_VALIDATION' });
      });
    });
  });
}
