// Builds one workbook on a thread of its own: an overdue statement of 20,000
// invoices takes about 2 s of XML and deflate, which on the HTTP thread would
// hold every other request (and the health checks) that long. Plain
// JavaScript, so the thread starts without the TypeScript loader.
import { parentPort, workerData } from 'node:worker_threads';
import writeXlsxFile from 'write-excel-file/node';

const DAY = /^\d{4}-\d{2}-\d{2}$/;

// Excel counts a day 1900-02-29 that never was, LibreOffice does not: before
// March 1900 no serial number shows the same day in both (write-excel-file's
// shows Excel the day after).
const FIRST_SHARED_DAY = '1900-03-01';

/** The Date of a calendar day YYYY-MM-DD a date cell shows right, else null: Date rolls 2026-02-30 over to March 2. */
function dateOf(v) {
  if (typeof v !== 'string' || !DAY.test(v) || v < FIRST_SHARED_DAY) return null;
  const day = new Date(`${v}T00:00:00Z`);
  return !Number.isNaN(day.getTime()) && day.toISOString().startsWith(v) ? day : null;
}

/** A typed cell: a calendar day of a day column is a date cell shown as such, anything else keeps its type. */
function cellOf(v, isDay) {
  if (v === null || v === undefined) return null;
  // NaN or Infinity in a number cell is no number Excel reads: the file would not open.
  if (typeof v === 'number' && Number.isFinite(v)) return { value: v, type: Number };
  if (typeof v === 'boolean') return { value: v, type: Boolean };
  const day = isDay ? dateOf(v) : null;
  if (day) return { value: day, type: Date, format: 'yyyy-mm-dd' };
  // Written as text, never as a formula: nothing to neutralise, unlike the CSV.
  return { value: withinACell(String(v)), type: String };
}

// What an Excel cell holds at most (its specifications), in UTF-16 units: a
// workbook cannot carry more, and other writers cut or refuse a longer text.
// Cut, with an ellipsis that shows it: the CSV has it whole.
const CELL_CHARACTERS = 32_767;

function withinACell(text) {
  if (text.length <= CELL_CHARACTERS) return text;
  const cut = text.slice(0, CELL_CHARACTERS - 1);
  // Not half of a character outside the basic plane.
  return `${/[\uD800-\uDBFF]$/.test(cut) ? cut.slice(0, -1) : cut}…`;
}

const { sheet, header, rows, widths, days } = workerData;
const data = [header.map((h) => ({ value: h, fontWeight: 'bold' })), ...rows.map((r) => r.map((v, i) => cellOf(v, days[i])))];
const file = await writeXlsxFile(data, { sheet, stickyRowsCount: 1, columns: widths.map((width) => ({ width })) }).toBuffer();
// A copy in an ArrayBuffer of its own, handed over rather than cloned.
const bytes = new Uint8Array(file);
parentPort.postMessage(bytes, [bytes.buffer]);
