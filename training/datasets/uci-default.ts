// Loader of the UCI "default of credit card clients" set (Taiwan, Apr-Sep 2005;
// evaluation only: read from the shared data folder, never copied into the
// repository; see its SOURCE.md).
import { existsSync, readFileSync } from 'node:fs';
import { MissingDataError } from './missing.js';
import { parse } from 'csv-parse/sync';
import { sharedDataPath } from './shared-data.js';

/** UCI_DEFAULT_CSV, or `uci-credit-card-default/…` in the shared data folder. */
export const UCI_DEFAULT_CSV = process.env.UCI_DEFAULT_CSV ?? sharedDataPath('uci-credit-card-default/UCI_Credit_Card.csv');

/** The months of the file, oldest first (the columns run newest first: PAY_0 is September). */
export const UCI_MONTHS = ['2005-04', '2005-05', '2005-06', '2005-07', '2005-08', '2005-09'] as const;

const STATUS = ['PAY_6', 'PAY_5', 'PAY_4', 'PAY_3', 'PAY_2', 'PAY_0'] as const;
const BILL = ['BILL_AMT6', 'BILL_AMT5', 'BILL_AMT4', 'BILL_AMT3', 'BILL_AMT2', 'BILL_AMT1'] as const;
const PAID = ['PAY_AMT6', 'PAY_AMT5', 'PAY_AMT4', 'PAY_AMT3', 'PAY_AMT2', 'PAY_AMT1'] as const;
const LABEL = 'default.payment.next.month';

/** One card holder, months oldest first (index 0 = April, 5 = September). */
export interface UciHolder {
  id: number;
  limitBalance: number;
  /** Repayment status: -2 no consumption, -1 paid duly, 0 revolving credit, k ≥ 1 k months late (9 = 9+). */
  status: number[];
  billAmount: number[];
  paidAmount: number[];
  /** The target: default in October 2005. */
  defaultNextMonth: boolean;
}

export function uciDefaultAvailable(path = UCI_DEFAULT_CSV): boolean {
  return existsSync(path);
}

function num(row: Record<string, string>, column: string, line: number): number {
  const v = Number(row[column]);
  if (row[column] === undefined || row[column] === '' || !Number.isFinite(v)) {
    throw new Error(`UCI default line ${line}: bad ${column} ${JSON.stringify(row[column])}`);
  }
  return v;
}

export function parseUciDefault(text: string): UciHolder[] {
  const rows = parse(text, { columns: true, skip_empty_lines: true, trim: true }) as Record<string, string>[];
  return rows.map((row, i) => {
    const line = i + 2;
    const label = num(row, LABEL, line);
    if (label !== 0 && label !== 1) throw new Error(`UCI default line ${line}: ${LABEL} must be 0 or 1`);
    return {
      id: num(row, 'ID', line),
      limitBalance: num(row, 'LIMIT_BAL', line),
      status: STATUS.map((c) => num(row, c, line)),
      billAmount: BILL.map((c) => num(row, c, line)),
      paidAmount: PAID.map((c) => num(row, c, line)),
      defaultNextMonth: label === 1,
    };
  });
}

export function loadUciDefault(path = UCI_DEFAULT_CSV): UciHolder[] {
  if (!existsSync(path)) throw new MissingDataError('UCI default set', path, 'UCI_DEFAULT_CSV');
  return parseUciDefault(readFileSync(path, 'utf8'));
}
