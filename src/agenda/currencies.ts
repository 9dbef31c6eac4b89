// Ranking across currencies: 150,000 JPY is not 150,000 of anything that 1,000
// EUR can be compared with. A priority's amount at stake is valued in the
// reporting currency with the latest exchange rate of the planning day, quoted
// either way (a rate quoted from the reporting currency is inverted; on the
// same day the direct quote wins); texts keep the amount as owed and add its
// value. With no rate the raw amount ranks, and the text says so. Pure.
import { roundMoney } from '../util/round.js';
import { priority } from './priority.js';
import type { ExchangeRate, Priority } from './types.js';

/**
 * currency → value of one unit in `reporting`, for the currencies a rate
 * prices. `rates`: each pair's latest rate (SQL: src/fields/reporting-currency.ts
 * applies the same rule).
 */
export function ratesInto(rates: ExchangeRate[], reporting: string): Map<string, number> {
  const chosen = new Map<string, { rateDate: string; direct: boolean; value: number }>();
  for (const r of rates) {
    if (!(r.rate > 0) || (r.quoteCurrency !== reporting && r.currency !== reporting)) continue;
    const direct = r.quoteCurrency === reporting;
    const currency = direct ? r.currency : r.quoteCurrency;
    const known = chosen.get(currency);
    if (!known || r.rateDate > known.rateDate || (r.rateDate === known.rateDate && direct && !known.direct)) {
      chosen.set(currency, { rateDate: r.rateDate, direct, value: direct ? r.rate : 1 / r.rate });
    }
  }
  const into = new Map<string, number>([[reporting, 1]]);
  for (const [currency, c] of chosen) if (currency !== reporting) into.set(currency, c.value);
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
export function floorIn(minAmountAtStake: number, currency: string, rates: ExchangeRate[], reporting: string): number {
  const rate = ratesOf(rates, reporting).get(currency);
  return rate === undefined ? minAmountAtStake : minAmountAtStake / rate;
}

/** The same priority, its score weighing the amount's value in `reporting`. */
export function rankedInReporting(p: Priority, currency: string, rates: Map<string, number>, reporting: string): Priority {
  if (currency === reporting) return p;
  const rate = rates.get(currency);
  if (rate === undefined) return { ...p, text: `${p.text}; no ${currency}-${reporting} rate, so ranked as if 1 ${currency} were 1 ${reporting}` };
  return priority(p.amountAtStake, p.urgency, p.risk, currency, { amount: roundMoney(p.amountAtStake * rate), currency: reporting });
}
