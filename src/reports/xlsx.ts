// The reports as Excel workbooks: the CSV's columns, with numbers as numbers
// and days as dates. A CSV opens as one column of text in a French Excel
// (semicolons, decimal commas) and its accents come out garbled without a
// byte-order mark; a workbook opens the same everywhere.
import os from 'node:os';
import { Worker } from 'node:worker_threads';
import type { Table } from './csv.js';

export const XLSX_TYPE = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

const THREAD_URL = new URL('./xlsx-thread.mjs', import.meta.url);

// A thread per workbook, but no more at once than cores: more finish no
// sooner, and each holds its rows and a heap of its own, so a burst of
// exports would grow the process by one of each per request. The others wait.
const MOST_THREADS = os.availableParallelism();
let threads = 0;
const waiting: (() => void)[] = [];

async function onAThread<T>(work: () => Promise<T>): Promise<T> {
  if (threads < MOST_THREADS) threads++;
  else await new Promise<void>((start) => waiting.push(start));
  try {
    return await work();
  } finally {
    // Handed to the next in line, or given back.
    const next = waiting.shift();
    if (next) next();
    else threads--;
  }
}

/** One sheet: the header row in bold and frozen, columns wide enough for their header; built off the event loop. */
export function toXlsx<T>(table: Table<T>, sheet: string): Promise<Buffer> {
  const workerData = {
    sheet,
    header: table.columns.map((c) => c.header),
    rows: table.rows.map((row) => table.columns.map((c) => c.value(row) ?? null)),
    days: table.columns.map((c) => c.day === true),
    widths: table.columns.map((c) => Math.max(12, c.header.length + 2)),
  };
  // Settled once the thread is gone, so that its place is free only then.
  return onAThread(() => new Promise((resolve, reject) => {
    const worker = new Worker(THREAD_URL, { workerData, execArgv: [] });
    let book: Buffer | null = null;
    let failure: Error | null = null;
    worker.once('message', (bytes: Uint8Array) => { book = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength); });
    worker.once('error', (err) => { failure = err; });
    worker.once('exit', (code) => {
      if (book) resolve(book);
      else reject(failure ?? new Error(`the workbook thread exited with code ${code} before answering`));
    });
  }));
}
