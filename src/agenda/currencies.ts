// Ranking across currencies: 150,000 JPY is not 150,000 of anything that 1,000
// EUR can be compared with. A priority's amount at stake is valued in the
// reporting currency with the latest exchange rate of the planning day (a rate
// quoted the other way round is inverted); texts keep the amount as owed and
// add its value. With no rate the raw amount ranks, and the text says so. Pure.
import { roundMoney } from '../util/round.js';
import { priority } from './priority.js';
import type { ExchangeRate, Priority } from './types.js';

/** currency → value of one unit in `reporting`, for the currencies a rate prices. */
export function ratesInto(rates: ExchangeRate[], reporting: string): Map<string, number> {
  const into = new Map<string, number>([[reporting, 1]]);
  for (const r of rates) if (r.quoteCurrency === reporting && r.rate > 0) into.set(r.currency, r.rate);
  for (const r of rates) if (r.currency === reporting && r.rate > 0 && !into.has(r.quoteCurrency)) into.set(r.quoteCurrency, 1 / r.rate);
  return into;
}

/** The same priority, its score weighing the amount's value in `reporting`. */
export function rankedInReporting(p: Priority, currency: string, rates: Map<string, number>, reporting: string): Priority {
  if (currency === reporting) return p;
  const rate = rates.get(currency);
  if (rate === undefined) return { ...p, text: `${p.text}; no ${currency}-${reporting} rate, so ranked as if 1 ${currency} were 1 ${reporting}` };
  return priority(p.amountAtStake, p.urgency, p.risk, currency, { amount: roundMoney(p.amountAtStake * rate), currency: reporting });
}
