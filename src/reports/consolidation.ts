// Consolidated reports: invoices in several currencies valued in one, the
// reporting currency (REPORTING_CURRENCY), so a portfolio of EUR, GBP and USD
// customers has one aging and one DSO.
//
// An amount is valued with the latest rate on or before the day it is read on:
// a receivable at the report date it is read at (each trend point at its own
// date's rate), a credit sale at its issue date (what the sale was worth when
// it was made, so a month's sales do not move when rates move later). Which
// rate prices a currency on a day is the agenda's rule (ratesInto: the latest
// quote either way, a pair quoted the other way round inverted), applied day by
// day to the imported history; the SQL joins the resulting (currency, day, rate) table, so the
// series stay one set-based query each.
//
// A currency no rate prices on a day the report needs is never taken at par
// (1 JPY is not 1 USD): the report answers AR_ERR_EXCHANGE_RATE_MISSING with
// each such currency and the earliest day it lacks a rate.
import type { Db } from '../db/sql.js';
import { ratesInto } from '../agenda/currencies.js';
import { addDays, daysBetween } from '../agenda/dates.js';
import type { ExchangeRate, IsoDate } from '../agenda/types.js';
import { AR_ERR } from '../errors.js';

/** What a consolidated report says about its valuation. */
export interface Consolidation {
  /** Every amount of the report is in this currency (REPORTING_CURRENCY). */
  currency: string;
  /** The currencies of the invoices in scope, each valued in `currency`. */
  currencies: string[];
  /** What one unit of each other currency in scope was worth in `currency` on each report date (credit sales: at their issue dates). */
  rates: { date: IsoDate; currency: string; rate: number }[];
}

export const consolidatedMethod = (currency: string) =>
  ` Consolidated in ${currency}: each amount valued with the latest exchange rate on or before its day (receivables at ` +
  'the date they stand on, credit sales at their issue date; a pair quoted the other way round is inverted), so a rate ' +
  "that moves between two dates counts in what compares them (the CEI's collected).";

/** The (currency, day, rate) table a consolidated series joins, as three array parameters. */
export type RateParams = [currencies: string[], days: IsoDate[], rates: number[]];

const HISTORY_SQL = `SELECT currency, quote_currency AS "quoteCurrency", rate_date::text AS "rateDate", rate::float8 AS rate
FROM exchange_rates
WHERE rate_date <= $1::date
ORDER BY rate_date`;

/** Every day from `from` to `to`, inclusive. */
export function daysFromTo(from: IsoDate, to: IsoDate): IsoDate[] {
  const out: IsoDate[] = [];
  for (let k = 0; k <= daysBetween(from, to); k++) out.push(addDays(from, k));
  return out;
}

/**
 * What a consolidated report needed a rate for: its invoices (open, or credit sales), the credit notes it shows beside
 * them, or the risk report's credit limits and covers. Named in the 422, so a credit manager told EUR has no rate in a
 * scope of USD invoices learns it is for a credit note.
 */
export type Priced = 'invoices' | 'credit notes' | 'credit limits or covers';

/** The kind an unpriced entry of a series ends with ('CUR YYYY-MM-DD credit_note'): invoices when it names none. */
const PRICED: Record<string, Priced> = { invoice: 'invoices', credit_note: 'credit notes', limit: 'credit limits or covers' };

/** The rates of a consolidated report, and the days it needed one it did not have. */
export class Valuation {
  /** currency → earliest day a series needed a rate for it and had none, and for what. */
  private readonly missing = new Map<string, { date: IsoDate; for: Set<Priced> }>();
  /** Unpriced credit sales by month and group: DSO's count-back needs only the months it walks. */
  private readonly deferred = new Map<string, string[]>();

  private constructor(
    readonly currency: string,
    readonly currencies: string[],
    private readonly history: ExchangeRate[],
  ) {}

  /** The rates into `currency` of the currencies in `inScope`, dated up to `upTo`. */
  static async load(db: Db, currency: string, inScope: string[], upTo: IsoDate): Promise<Valuation> {
    // Every pair, not only those of the currencies in scope: one may be valued through another currency.
    const history = await db.query<ExchangeRate>(HISTORY_SQL, [upTo]);
    return new Valuation(currency, inScope, history);
  }

  /** Day → currency → worth of one unit in `currency`, for the currencies a rate prices on that day. */
  ratesOn(days: IsoDate[]): Map<IsoDate, Map<string, number>> {
    const latest = new Map<string, ExchangeRate>();
    const out = new Map<IsoDate, Map<string, number>>();
    let next = 0;
    for (const day of [...new Set(days)].sort()) {
      for (; next < this.history.length && this.history[next].rateDate <= day; next++) {
        const r = this.history[next];
        latest.set(`${r.currency}/${r.quoteCurrency}`, r);
      }
      out.set(day, ratesInto([...latest.values()], this.currency));
    }
    return out;
  }

  /** The rates on `days` as the SQL parameters of a series' `fx` table. */
  params(days: IsoDate[]): RateParams {
    const out: RateParams = [[], [], []];
    for (const [day, rates] of this.ratesOn(days)) {
      for (const [currency, rate] of rates) {
        out[0].push(currency);
        out[1].push(day);
        out[2].push(rate);
      }
    }
    return out;
  }

  /** Records an amount in `currency` the report needs on `day`, which no rate values. */
  lacks(currency: string, day: IsoDate, priced: Priced = 'invoices'): void {
    const known = this.missing.get(currency);
    if (known === undefined) this.missing.set(currency, { date: day, for: new Set([priced]) });
    else {
      if (day < known.date) known.date = day;
      known.for.add(priced);
    }
  }

  /** Records amounts a series could not value: 'CUR YYYY-MM-DD' entries, each maybe with its kind (SQL's unpriced column). */
  need(unpriced: readonly string[] | null): void {
    for (const entry of unpriced ?? []) {
      const [currency, day, kind = 'invoice'] = entry.split(' ');
      this.lacks(currency, day, PRICED[kind] ?? 'invoices');
    }
  }

  /** Unpriced entries of a series read only if the report reaches them (`key`: month and group). */
  defer(key: string, unpriced: readonly string[] | null): void {
    if (unpriced?.length) this.deferred.set(key, [...(this.deferred.get(key) ?? []), ...unpriced]);
  }

  /** The deferred entries of `key` are needed after all; every deferred entry when no key is given. */
  needDeferred(key?: string): void {
    if (key === undefined) for (const entries of this.deferred.values()) this.need(entries);
    else this.need(this.deferred.get(key) ?? null);
  }

  /** Throws AR_ERR_EXCHANGE_RATE_MISSING if any needed amount had no rate. */
  check(): void {
    if (this.missing.size === 0) return;
    const missing = [...this.missing].sort(([a], [b]) => a.localeCompare(b))
      .map(([currency, m]) => ({ currency, date: m.date, for: [...m.for].sort() }));
    const date = missing.reduce((d, m) => (m.date < d ? m.date : d), missing[0].date);
    throw AR_ERR.EXCHANGE_RATE_MISSING(
      [this.currency, missing.map((m) => `${m.currency} on ${m.date} for ${m.for.join(' and ')}`).join('; '), date],
      { title: 'Missing exchange rate', reportingCurrency: this.currency, currencies: missing.map((m) => m.currency), date, missing },
    );
  }

  /** What the report says of its valuation, with the rates of its report dates. */
  describe(dates: IsoDate[]): Consolidation {
    const rates: Consolidation['rates'] = [];
    for (const [date, byCurrency] of this.ratesOn(dates)) {
      for (const currency of this.currencies) {
        const rate = byCurrency.get(currency);
        if (currency !== this.currency && rate !== undefined) rates.push({ date, currency, rate });
      }
    }
    return { currency: this.currency, currencies: this.currencies, rates };
  }
}
