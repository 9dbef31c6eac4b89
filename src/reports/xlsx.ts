// The reports as Excel workbooks: the CSV's columns, with numbers as numbers
// and days as dates. A CSV opens as one column of text in a French Excel
// (semicolons, decimal commas) and its accents come out garbled without a
// byte-order mark; a workbook opens the same everywhere.
import { Worker } from 'node:worker_threads';
import type { Table } from './csv.js';

export const XLSX_TYPE = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

const THREAD_URL = new URL('./xlsx-thread.mjs', import.meta.url);

/** One sheet: the header row in bold and frozen, columns wide enough for their header; built off the event loop. */
export function toXlsx<T>(table: Table<T>, sheet: string): Promise<Buffer> {
  const workerData = {
    sheet,
    header: table.columns.map((c) => c.header),
    rows: table.rows.map((row) => table.columns.map((c) => c.value(row) ?? null)),
    days: table.columns.map((c) => c.day === true),
    widths: table.columns.map((c) => Math.max(12, c.header.length + 2)),
  };
  return new Promise((resolve, reject) => {
    const worker = new Worker(THREAD_URL, { workerData, execArgv: [] });
    worker.once('message', (bytes: Uint8Array) => resolve(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength)));
    worker.once('error', reject);
    worker.once('exit', (code) => reject(new Error(`the workbook thread exited with code ${code} before answering`)));
  });
}
