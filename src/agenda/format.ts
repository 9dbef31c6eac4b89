// Words and numbers as a collector reads them in a reason.
import type { InvoiceRef } from './types.js';
import { roundMoney } from '../util/round.js';

const MONEY = new Map<string, Intl.NumberFormat>();

/** Written with the currency's own decimals (JPY none, KWD three); two for a code the runtime does not know. */
function moneyFormat(currency: string): Intl.NumberFormat {
  let f = MONEY.get(currency);
  if (!f) {
    let digits = 2;
    try {
      digits = new Intl.NumberFormat('en-US', { style: 'currency', currency }).resolvedOptions().maximumFractionDigits ?? 2;
    } catch {
      // not an ISO 4217 code: cents
    }
    f = new Intl.NumberFormat('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });
    MONEY.set(currency, f);
  }
  return f;
}

export const money = (amount: number, currency: string): string => `${moneyFormat(currency).format(amount)} ${currency}`;

export const percent = (p: number): string => `${Math.round(p * 100)} %`;

export const plural = (n: number, word: string, many = `${word}s`): string => `${n} ${n === 1 ? word : many}`;

/** At the four decimals amounts are stored with: a sum of cents (or of dinars' thousandths) without float noise. */
export const sumOpen = (invoices: { openAmount: number }[]): number => roundMoney(invoices.reduce((s, i) => s + i.openAmount, 0));

/** "invoice F-12" or "3 invoices (F-12, F-13, F-20)", oldest first, at most five numbers. */
export const invoiceList = (invoices: InvoiceRef[]): string => documentList(invoices, 'invoice');

/** "credit note CN-4" or "2 credit notes (CN-4, CN-7)": documents in the order given, at most five numbers. */
export function documentList(documents: { number: string }[], word: string): string {
  if (documents.length === 1) return `${word} ${documents[0].number}`;
  const shown = documents.slice(0, 5).map((d) => d.number).join(', ');
  return `${documents.length} ${word}s (${shown}${documents.length > 5 ? ', …' : ''})`;
}

/** "12 days overdue", "due today", "due in 4 days". */
export function lateness(daysOverdue: number): string {
  if (daysOverdue > 0) return `${plural(daysOverdue, 'day')} overdue`;
  if (daysOverdue === 0) return 'due today';
  return `due in ${plural(-daysOverdue, 'day')}`;
}

/** "5 days ago", "today", "in 2 days". */
export function ago(days: number): string {
  if (days === 0) return 'today';
  return days > 0 ? `${plural(days, 'day')} ago` : `in ${plural(-days, 'day')}`;
}

/** Reasons stored by other code (computed_fields, actions): Reason objects, strings, or anything. */
export function readModelReasons(raw: unknown, max = 3): { factor: string; text: string; value?: number | string | boolean | null }[] {
  if (!Array.isArray(raw)) return [];
  const out: { factor: string; text: string; value?: number | string | boolean | null }[] = [];
  for (const r of raw) {
    if (typeof r === 'string' && r.trim()) out.push({ factor: 'note', text: r });
    else if (r && typeof r === 'object') {
      const o = r as Record<string, unknown>;
      const text = typeof o.text === 'string' ? o.text : typeof o.message === 'string' ? o.message : null;
      if (!text) continue;
      const value = o.value;
      out.push({
        factor: typeof o.factor === 'string' ? o.factor : 'note',
        text,
        ...(typeof value === 'number' || typeof value === 'string' || typeof value === 'boolean' ? { value } : {}),
      });
    }
    if (out.length >= max) break;
  }
  return out;
}
