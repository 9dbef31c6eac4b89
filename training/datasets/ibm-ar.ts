// Loader of the IBM Watson Analytics accounts-receivable sample (evaluation only:
// read from the shared data folder, never copied into the repository; see its SOURCE.md).
import { existsSync, readFileSync } from 'node:fs';
import { parse } from 'csv-parse/sync';
import { sharedDataPath } from './shared-data.js';
import type { InvoiceRecord } from '../../src/ml/payment-delay/types.js';

/** IBM_AR_CSV, or `ibm-accounts-receivable/…` in the shared data folder. */
export const IBM_AR_CSV = process.env.IBM_AR_CSV ?? sharedDataPath('ibm-accounts-receivable/WA_Fn-UseC_-Accounts-Receivable.csv');

export const IBM_AR_COLUMNS = [
  'countryCode', 'customerID', 'PaperlessDate', 'invoiceNumber', 'InvoiceDate', 'DueDate',
  'InvoiceAmount', 'Disputed', 'SettledDate', 'PaperlessBill', 'DaysToSettle', 'DaysLate',
] as const;

type Row = Record<(typeof IBM_AR_COLUMNS)[number], string>;

/** An IBM invoice: our domain record plus the file's own targets, kept to check our arithmetic. */
export interface IbmInvoice extends InvoiceRecord {
  daysToSettle: number;
  daysLate: number;
}

export function ibmArAvailable(path = IBM_AR_CSV): boolean {
  return existsSync(path);
}

/** `M/D/YYYY` → `YYYY-MM-DD`. */
export function usDateToIso(us: string): string {
  const m = /^(\d{1,2})\/(\d{1,2})\/(\d{4})$/.exec(us.trim());
  if (!m) throw new Error(`IBM AR: not a M/D/YYYY date: ${JSON.stringify(us)}`);
  return `${m[3]}-${m[1].padStart(2, '0')}-${m[2].padStart(2, '0')}`;
}

const dayNumber = (iso: string): number => Date.parse(`${iso}T00:00:00Z`) / 86_400_000;

function toInvoice(row: Row, line: number): IbmInvoice {
  const issueDate = usDateToIso(row.InvoiceDate);
  const dueDate = usDateToIso(row.DueDate);
  const amount = Number(row.InvoiceAmount);
  if (!Number.isFinite(amount)) throw new Error(`IBM AR line ${line}: bad InvoiceAmount ${row.InvoiceAmount}`);
  if (row.Disputed !== 'Yes' && row.Disputed !== 'No') throw new Error(`IBM AR line ${line}: Disputed must be Yes/No`);
  if (row.PaperlessBill !== 'Paper' && row.PaperlessBill !== 'Electronic') throw new Error(`IBM AR line ${line}: PaperlessBill must be Paper/Electronic`);
  return {
    invoiceId: row.invoiceNumber,
    customerId: row.customerID,
    // Country is the only segment the file has.
    segment: row.countryCode,
    issueDate,
    dueDate,
    amount,
    disputed: row.Disputed === 'Yes',
    settledDate: usDateToIso(row.SettledDate),
    paperless: row.PaperlessBill === 'Electronic',
    paymentTermsDays: dayNumber(dueDate) - dayNumber(issueDate),
    daysToSettle: Number(row.DaysToSettle),
    daysLate: Number(row.DaysLate),
  };
}

/** Parse the CSV text of the sample (CRLF, header line). */
export function parseIbmAr(text: string): IbmInvoice[] {
  const rows = parse(text, { columns: true, skip_empty_lines: true, trim: true }) as Row[];
  if (rows.length) {
    const missing = IBM_AR_COLUMNS.filter((c) => !(c in rows[0]));
    if (missing.length) throw new Error(`IBM AR: missing columns ${missing.join(', ')}`);
  }
  return rows.map((row, i) => toInvoice(row, i + 2));
}

export function loadIbmAr(path = IBM_AR_CSV): IbmInvoice[] {
  return parseIbmAr(readFileSync(path, 'utf8'));
}

/** The fixed chronological cut of the protocol: train on invoices issued before it. */
export const IBM_AR_TEST_FROM = '2013-01-01';
