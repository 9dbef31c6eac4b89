// The reports as Excel workbooks: the CSV's columns, with numbers as numbers
// and days as dates. A CSV opens as one column of text in a French Excel
// (semicolons, decimal commas) and its accents come out garbled without a
// byte-order mark; a workbook opens the same everywhere.
import os from 'node:os';
import { Worker } from 'node:worker_threads';
import { AR_ERR } from '../errors.js';
import { LineFull, Slots } from '../util/slots.js';
import type { Table } from './csv.js';

export const XLSX_TYPE = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

const THREAD_URL = new URL('./xlsx-thread.mjs', import.meta.url);

// A thread per workbook, but no more at once than cores: more finish no
// sooner, and each holds its rows and a heap of its own, so a burst of
// exports would grow the process by one of each per request. The others wait,
// in a line of bounded length. One set for the process, whatever app asks.
export const workbookThreads = new Slots(os.availableParallelism());

/** None by default: the HTTP exports take theirs from the settings (XLSX_TIMEOUT_MS, XLSX_QUEUE_LIMIT). */
export interface XlsxLimits {
  /** A build still running this long after its thread started is stopped (AR_ERR_EXPORT_TIMEOUT). */
  timeoutMs?: number;
  /** Exports that may wait for a thread; one more is refused at once (AR_ERR_EXPORTS_BUSY). */
  queueLimit?: number;
  /** Aborted when the export is no longer wanted: one waiting for a thread leaves the line, rejecting with its reason. */
  signal?: AbortSignal;
}

/** One sheet: the header row in bold and frozen, columns wide enough for their header; built off the event loop. */
export async function toXlsx<T>(table: Table<T>, sheet: string, { timeoutMs, queueLimit, signal }: XlsxLimits = {}): Promise<Buffer> {
  try {
    // The cells are copied for the thread once it is this export's turn: a
    // waiting export holds its rows only, not a second copy of them.
    return await workbookThreads.run(() => onAThread(cellsOf(table, sheet), timeoutMs, signal), { mostWaiting: queueLimit, signal });
  } catch (err) {
    if (err instanceof LineFull) throw AR_ERR.EXPORTS_BUSY([err.waiting], { waiting: err.waiting });
    throw err;
  }
}

function cellsOf<T>(table: Table<T>, sheet: string) {
  return {
    sheet,
    header: table.columns.map((c) => c.header),
    rows: table.rows.map((row) => table.columns.map((c) => c.value(row) ?? null)),
    days: table.columns.map((c) => c.day === true),
    widths: table.columns.map((c) => Math.max(12, c.header.length + 2)),
  };
}

// Settled once the thread is gone, so that its place is free only then: a
// thread past its time, or whose workbook nobody waits for any more, is
// terminated, not left to finish beside the next.
function onAThread(workerData: ReturnType<typeof cellsOf>, timeoutMs: number | undefined, signal: AbortSignal | undefined): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    // Gone between its turn coming and now: no thread to start.
    if (signal?.aborted) return reject(signal.reason);
    const worker = new Worker(THREAD_URL, { workerData, execArgv: [] });
    let book: Buffer | null = null;
    let failure: Error | null = null;
    const stop = (why: Error) => {
      failure ??= why;
      void worker.terminate();
    };
    const limit = timeoutMs === undefined ? undefined : setTimeout(() => {
      stop(AR_ERR.EXPORT_TIMEOUT([workerData.rows.length, timeoutMs], { rows: workerData.rows.length, timeoutMs }));
    }, timeoutMs);
    const abandoned = () => stop(signal!.reason);
    signal?.addEventListener('abort', abandoned, { once: true });
    worker.once('message', (bytes: Uint8Array) => { book = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength); });
    worker.once('error', (err) => { failure ??= err; });
    worker.once('exit', (code) => {
      clearTimeout(limit);
      signal?.removeEventListener('abort', abandoned);
      if (book) resolve(book);
      else reject(failure ?? new Error(`the workbook thread exited with code ${code} before answering`));
    });
  });
}
