// Builds one workbook on a thread of its own: an overdue statement of 20,000
// invoices takes about 2 s of XML and deflate, which on the HTTP thread would
// hold every other request (and the health checks) that long. Plain
// JavaScript, so the thread starts without the TypeScript loader.
import { parentPort, workerData } from 'node:worker_threads';
import writeXlsxFile from 'write-excel-file/node';

const DAY = /^\d{4}-\d{2}-\d{2}$/;

/** A typed cell: a YYYY-MM-DD text is a day (a date cell shown as such), anything else keeps its type. */
function cellOf(v) {
  if (v === null || v === undefined) return null;
  if (typeof v === 'number') return { value: v, type: Number };
  if (typeof v === 'boolean') return { value: v, type: Boolean };
  if (DAY.test(v)) {
    const day = new Date(`${v}T00:00:00Z`);
    if (!Number.isNaN(day.getTime())) return { value: day, type: Date, format: 'yyyy-mm-dd' };
  }
  // Written as text, never as a formula: nothing to neutralise, unlike the CSV.
  return { value: String(v), type: String };
}

const { sheet, header, rows, widths } = workerData;
const data = [header.map((h) => ({ value: h, fontWeight: 'bold' })), ...rows.map((r) => r.map(cellOf))];
const file = await writeXlsxFile(data, { sheet, stickyRowsCount: 1, columns: widths.map((width) => ({ width })) }).toBuffer();
// A copy in an ArrayBuffer of its own, handed over rather than cloned.
const bytes = new Uint8Array(file);
parentPort.postMessage(bytes, [bytes.buffer]);
