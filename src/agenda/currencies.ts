// Ranking across currencies: 150,000 JPY is not 150,000 of anything that 1,000
// EUR can be compared with. A priority's amount at stake is valued in the
// reporting currency with the latest exchange rate of the planning day, quoted
// either way (a rate quoted from the reporting currency is inverted; on the
// same day the direct quote wins), through one other currency when no rate
// links the two; texts keep the amount as owed and add its value. With no
// rate the raw amount ranks, and the text says so. Pure.
import { roundMoney } from '../util/round.js';
import type { AgendaPolicy } from './policy.js';
import { priority } from './priority.js';
import type { CurrencyBalance, ExchangeRate, Priority } from './types.js';

/**
 * Each pair's latest quote whichever way it is quoted, under both orders of
 * the pair: on the same day the quote from the first currency wins.
 */
function quotesByPair(rates: ExchangeRate[]): Map<string, ExchangeRate> {
  const best = new Map<string, ExchangeRate>();
  const offer = (key: string, r: ExchangeRate, base: string) => {
    const known = best.get(key);
    if (!known || r.rateDate > known.rateDate || (r.rateDate === known.rateDate && r.currency === base && known.currency !== base)) best.set(key, r);
  };
  for (const r of rates) {
    if (!(r.rate > 0)) continue;
    offer(`${r.currency} ${r.quoteCurrency}`, r, r.currency);
    offer(`${r.quoteCurrency} ${r.currency}`, r, r.quoteCurrency);
  }
  return best;
}

/** What one `a` is worth in `b` by the pair's chosen quote (inverted when quoted from `b`). */
function pairValue(quotes: Map<string, ExchangeRate>, a: string, b: string): number | undefined {
  const r = quotes.get(`${a} ${b}`);
  if (!r) return undefined;
  return r.currency === a ? r.rate : 1 / r.rate;
}

/**
 * currency → value of one unit in `reporting`, for the currencies a rate
 * prices: by their own pair with the reporting currency, else through one
 * other currency (the first by code that links both: a feed quoting everything
 * against EUR still values JPY in USD). `rates`: each pair's latest rate (SQL:
 * src/fields/reporting-currency.ts applies the same rule).
 */
export function ratesInto(rates: ExchangeRate[], reporting: string): Map<string, number> {
  const quotes = quotesByPair(rates);
  const named = [...new Set(rates.flatMap((r) => [r.currency, r.quoteCurrency]))].filter((c) => c !== reporting).sort();
  const into = new Map<string, number>([[reporting, 1]]);
  for (const currency of named) {
    let value = pairValue(quotes, currency, reporting);
    for (const pivot of named) {
      if (value !== undefined) break;
      if (pivot === currency) continue;
      const toPivot = pairValue(quotes, currency, pivot);
      const pivotValue = toPivot === undefined ? undefined : pairValue(quotes, pivot, reporting);
      if (pivotValue !== undefined) value = toPivot! * pivotValue;
    }
    if (value !== undefined) into.set(currency, value);
  }
  return into;
}

const RATES = new WeakMap<ExchangeRate[], Map<string, Map<string, number>>>();

/** ratesInto, once per planning facts' rates and reporting currency. */
export function ratesOf(rates: ExchangeRate[], reporting: string): Map<string, number> {
  let byReporting = RATES.get(rates);
  if (!byReporting) RATES.set(rates, (byReporting = new Map()));
  let into = byReporting.get(reporting);
  if (!into) byReporting.set(reporting, (into = ratesInto(rates, reporting)));
  return into;
}

/**
 * The policy's floor of the amount at stake (in the reporting currency), in
 * `currency`: 500 USD is not 500 JPY. As it is when no rate prices `currency`.
 */
export function floorIn(policy: Pick<AgendaPolicy, 'minAmountAtStake' | 'reportingCurrency'>, currency: string, rates: ExchangeRate[]): number {
  const rate = ratesOf(rates, policy.reportingCurrency).get(currency);
  return rate === undefined ? policy.minAmountAtStake : policy.minAmountAtStake / rate;
}

/** The same priority, its score weighing the amount's value in `reporting`. */
export function rankedInReporting(p: Priority, currency: string, rates: Map<string, number>, reporting: string): Priority {
  if (currency === reporting) return p;
  const rate = rates.get(currency);
  if (rate === undefined) return { ...p, text: `${p.text}; no ${currency}-${reporting} rate, so ranked as if 1 ${currency} were 1 ${reporting}` };
  return priority(p.amountAtStake, p.urgency, p.risk, currency, { amount: roundMoney(p.amountAtStake * rate), currency: reporting });
}

/**
 * What the customer owes besides its balance currency, by currency: balances
 * show one currency's amounts, and a collector calling about them must not
 * miss the invoices in another.
 */
export function otherBalances(byCurrency: CurrencyBalance[], balanceCurrency: string): CurrencyBalance[] {
  return byCurrency
    .filter((b) => b.currency !== balanceCurrency)
    .map((b) => ({ currency: b.currency, open: roundMoney(b.open), overdue: roundMoney(b.overdue) }))
    .sort((a, b) => a.currency.localeCompare(b.currency));
}
