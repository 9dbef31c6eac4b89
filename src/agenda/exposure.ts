// A customer's exposure against its credit limit and its insurer's cover, on
// the planning day: what the risk planner reviews, and what the facts loader
// dates (overrun-start.ts), so both hold the same balance against the same
// threshold. Pure.
import { roundMoney } from '../util/round.js';
import { ratesOf } from './currencies.js';
import type { AgendaPolicy } from './policy.js';
import type { ExchangeRate, RiskFacts } from './types.js';

export interface Valued {
  /** In the account currency; null when a currency has no rate. */
  amount: number | null;
  /** What the rates value, in the account currency: all of it, or a floor when a currency has none. */
  valued: number;
  /** Open amounts in currencies no rate values. */
  unvalued: RiskFacts['open'];
}

/**
 * Every open invoice valued in the account currency; those in a currency with
 * no rate are left out of the sum and listed apart.
 */
export function exposureOf(r: Pick<RiskFacts, 'accountCurrency' | 'open'>, rates: ExchangeRate[]): Valued {
  const into = ratesOf(rates, r.accountCurrency);
  let total = 0;
  const unvalued: RiskFacts['open'] = [];
  for (const o of r.open) {
    const rate = into.get(o.currency);
    if (rate === undefined) unvalued.push(o);
    else total += o.amount * rate;
  }
  const valued = roundMoney(total);
  return { amount: unvalued.length === 0 ? valued : null, valued, unvalued };
}

/**
 * The open balance to hold against a limit or a cover: all of it valued, or
 * the part the rates value when that alone is over (the overrun is certain;
 * under it, the rest could go either way). Null when it is not over.
 */
export function heldOver(x: Valued, threshold: number): number | null {
  const held = x.amount ?? x.valued;
  return held > threshold ? held : null;
}

export type OverrunKind = 'limit' | 'cover';

/**
 * The amount a balance must stay at or under: `risk.limitUsage` × the credit
 * limit, or the insurer cover. Null when none is recorded: no limit, or a
 * cover nobody recorded (unknown: flagging every balance nobody recorded a
 * cover for would bury the agenda). A limit of 0 is no credit granted, and a
 * cover of 0 the insurer's refusal: any open balance is over either.
 */
export function thresholdOf(r: Pick<RiskFacts, 'creditLimit' | 'insurerCover'>, kind: OverrunKind, policy: AgendaPolicy): number | null {
  if (kind === 'limit') return r.creditLimit === null ? null : r.creditLimit * policy.risk.limitUsage;
  return r.insurerCover;
}

export interface Overrun {
  customerId: number;
  kind: OverrunKind;
  accountCurrency: string;
  threshold: number;
}

/**
 * The limits and covers exceeded on the planning day. A customer in
 * insolvency proceedings has none: the claim is what is left to manage.
 */
export function overrunsOf(risk: Omit<RiskFacts, 'overSince'>[], rates: ExchangeRate[], policy: AgendaPolicy): Overrun[] {
  const out: Overrun[] = [];
  for (const r of risk) {
    if (r.insolvency) continue;
    const x = exposureOf(r, rates);
    for (const kind of ['limit', 'cover'] as const) {
      const threshold = thresholdOf(r, kind, policy);
      if (threshold !== null && heldOver(x, threshold) !== null) out.push({ customerId: r.customerId, kind, accountCurrency: r.accountCurrency, threshold });
    }
  }
  return out;
}
