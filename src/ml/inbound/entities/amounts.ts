// Amounts with their currency, written the French way ("1 234,56 €",
// "4.317 EUR") or the English way ("$1,234.56", "GBP 980").
import type { Amount } from '../types.js';
import { MONEY_LIMIT } from '../../../util/bounds.js';

// Thousands apart by a space, a dot, a comma or the Swiss apostrophe; a group
// of thousands never starts with 0 ("0.001" is no thousand).
const NUMBER = String.raw`[1-9]\d{0,2}(?:[ \u00a0\u202f.,'’]\d{3})+(?:[.,]\d{1,2})?|\d+(?:[.,]\d{1,2})?`;
// …and end it: "EUR 1e27" is not 1 €, nor "$5e9" 5 $.
const SYMBOL_BEFORE = String.raw`(€|\$|£|\b(?:EUR|USD|GBP|CHF)(?![A-Za-z]))\s?(${NUMBER})(?![\d.,]\d|[\deE])(\s?[kK]\b)?`;
// The number must start the token: "1e27 €" is not 27 €, nor "-5 EUR" 5 €.
const SYMBOL_AFTER = String.raw`(?<![A-Za-z0-9.,+\-])(${NUMBER})\s?([kK]\s?)?(€|\$|£|\b(?:EUR|USD|GBP|CHF|euros?|dollars?|livres? sterling|pounds?)\b)`;
const AMOUNT = new RegExp(`${SYMBOL_BEFORE}|${SYMBOL_AFTER}`, 'gi');

function currencyOf(symbol: string): string {
  const s = symbol.toLowerCase();
  if (s === '€' || s.startsWith('eur')) return 'EUR';
  if (s === '$' || s === 'usd' || s.startsWith('dollar')) return 'USD';
  if (s === '£' || s === 'gbp' || s.startsWith('livre') || s.startsWith('pound')) return 'GBP';
  return s.toUpperCase();
}

/** "1 234,56" → 1234.56, "4.317" → 4317, "1,234.5" → 1234.5, "12,5" → 12.5, "1'234.50" → 1234.5. */
export function parseNumber(text: string): number {
  const compact = text.replace(/[ \u00a0\u202f'’]/g, '');
  const last = Math.max(compact.lastIndexOf('.'), compact.lastIndexOf(','));
  if (last >= 0 && compact.length - last - 1 <= 2) {
    return Number(`${compact.slice(0, last).replace(/[.,]/g, '')}.${compact.slice(last + 1)}`);
  }
  return Number(compact.replace(/[.,]/g, ''));
}

export function extractAmounts(text: string): Amount[] {
  const out: Amount[] = [];
  for (const m of text.matchAll(AMOUNT)) {
    const [whole, symBefore, numBefore, kBefore, numAfter, kAfter, symAfter] = m;
    const number = numBefore ?? numAfter;
    const value = parseNumber(number) * (kBefore || kAfter ? 1000 : 1);
    if (!Number.isFinite(value) || value <= 0 || value >= MONEY_LIMIT) continue;
    out.push({ value: Math.round(value * 100) / 100, currency: currencyOf(symBefore ?? symAfter), text: whole.trim() });
  }
  return out;
}
