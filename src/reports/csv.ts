// A small CSV export (RFC 4180) that spreadsheets open safely: text cells that
// a spreadsheet would run as a formula (=, +, -, @) are prefixed with a quote.
export interface CsvColumn<T> {
  header: string;
  value: (row: T) => string | number | boolean | null | undefined;
  /**
   * Its values are calendar days (YYYY-MM-DD): date cells in a workbook. Said
   * by the column, not guessed from the value: an invoice number or a name
   * shaped as a day stays the text it is.
   */
  day?: boolean;
}

function cell(v: string | number | boolean | null | undefined): string {
  if (v === null || v === undefined) return '';
  if (typeof v !== 'string') return String(v);
  const safe = /^[=+\-@\t\r]/.test(v) ? `'${v}` : v;
  return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

/** A report's rows and the columns they are exported with, as CSV or as a workbook. */
export interface Table<T> {
  columns: CsvColumn<T>[];
  rows: T[];
}

export const tableCsv = <T>(t: Table<T>) => toCsv(t.columns, t.rows);

export function toCsv<T>(columns: CsvColumn<T>[], rows: T[]): string {
  const lines = [columns.map((c) => cell(c.header)).join(',')];
  for (const row of rows) lines.push(columns.map((c) => cell(c.value(row))).join(','));
  return lines.join('\r\n') + '\r\n';
}
