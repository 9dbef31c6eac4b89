// The risk agenda (brief 004): the preventive side of credit management.
// Outstanding over the credit limit, exposure above the credit insurer's
// cover, insolvency proceedings, a risk score that worsened, a change of
// address or management (brief 002's monitored events), a credit limit due
// for its yearly review: each a review for
// the credit manager, with the figures that call for it. Pure.
import { roundMoney } from '../util/round.js';
import { daysBetween } from './dates.js';
import { money, percent, plural } from './format.js';
import { floorIn } from './currencies.js';
import { exposureOf, heldOver, thresholdOf, type OverrunKind, type Valued } from './exposure.js';
import { recurrence } from './keys.js';
import { overrunIdentity } from './overrun-key.js';
import type { AgendaPolicy } from './policy.js';
import { priority, risk, urgency } from './priority.js';
import type {
  ActionReason, CompanyChangeKind, CustomerContext, IsoDate, OverrunStart, PlanningFacts, RiskFacts, Suggestion, SuggestionKind,
} from './types.js';

/**
 * What stops once a customer is in insolvency proceedings: its debts are
 * frozen and claims go to the administrator, so reminders, promise calls and
 * incentives are pointless (and in France, unlawful for debts before the
 * judgment).
 */
export const STOPPED_BY_INSOLVENCY: ReadonlySet<SuggestionKind> = new Set<SuggestionKind>([
  'scenario_step', 'promise_broken', 'payment_plan_missed', 'pre_due_call', 'missed_debit', 'incentive', 'drift_review',
]);

/** Customers in insolvency proceedings on the planning day. */
export function insolventCustomers(facts: PlanningFacts): Set<number> {
  return new Set(facts.risk.filter((r) => r.insolvency !== null).map((r) => r.customerId));
}

interface Exposure extends Valued {
  r: RiskFacts;
  c: CustomerContext | undefined;
}

const riskTask = (x: Exposure, currency: string) => ({
  origin: 'risk' as const,
  task: true,
  type: 'review' as const,
  customerId: x.r.customerId,
  collectorId: x.c?.collectorId ?? null,
  invoiceId: null,
  invoices: [],
  currency,
});

const notValued = (x: Exposure) => x.unvalued.map((o) => money(o.amount, o.currency)).join(' + ');

const exposureReason = (x: Exposure): ActionReason => ({
  factor: 'exposure',
  text: x.amount === null
    ? `${money(x.valued, x.r.accountCurrency)} open valued, and ${notValued(x)} that no exchange rate values`
    : `${money(x.amount, x.r.accountCurrency)} open, every currency valued`,
  value: x.amount,
});

const besides = (x: Exposure) => (x.amount === null ? `, besides ${notValued(x)} with no exchange rate,` : '');

const sinceText = (s: OverrunStart) => (s.atLeast ? `since ${s.on} at least` : `since ${s.on}`);

interface OverrunReview {
  held: number;
  threshold: number;
  since: OverrunStart;
  dedupeKey: string;
  dueDate: IsoDate;
  daysLate: number;
}

/**
 * The review an overrun calls for on the planning day: due from the day it
 * began, again `reviewEveryDays` after a person closed the last, while it
 * lasts, under the key of the overrun (`overrun-key.ts`).
 */
function overrunReview(x: Exposure, kind: OverrunKind, facts: PlanningFacts, policy: AgendaPolicy): OverrunReview | null {
  const threshold = thresholdOf(x.r, kind, policy);
  const held = threshold === null ? null : heldOver(x, threshold);
  if (held === null || threshold === null) return null;
  // The facts loader dates every overrun; facts built by hand may not.
  const start = x.r.overSince[kind] ?? { on: facts.asOf, atLeast: false };
  const { base, since, closedUndatedOn } = overrunIdentity(kind, x.r.customerId, start, facts.closures);
  const rec = recurrence(base, facts.closures, since.on, 0, policy.risk.reviewEveryDays, closedUndatedOn);
  if (rec.dueDate > facts.asOf) return null;
  return { held, threshold, since, ...rec, daysLate: daysBetween(rec.dueDate, facts.asOf) };
}

/** How the limit reads in a reason: a limit of 0 is no credit granted, not a limit used infinitely many times over. */
const limitText = (limit: number, currency: string) => (limit === 0 ? 'no credit granted (limit 0)' : `credit limit ${money(limit, currency)}`);

function limitOverrun(x: Exposure, facts: PlanningFacts, policy: AgendaPolicy): Suggestion | null {
  const review = overrunReview(x, 'limit', facts, policy);
  if (!review) return null;
  const { held, since } = review;
  const limit = x.r.creditLimit!;
  const currency = x.r.accountCurrency;
  const over = roundMoney(held - limit);
  const score = x.c?.riskScore ?? null;
  const usage = limit === 0 ? null : held / limit;
  const against = score === null ? '' : ` against the risk score (${score})`;
  return {
    ...riskTask(x, currency),
    dedupeKey: review.dedupeKey,
    kind: 'credit_limit_exceeded',
    dueDate: review.dueDate,
    reason: usage === null
      ? `Open balance with no credit granted (credit limit 0) ${sinceText(since)}: ${money(held, currency)} open${besides(x)}. ` +
        `Grant a limit${against} or hold new orders until the balance is paid`
      : `Over the credit limit ${sinceText(since)}: ${money(held, currency)} open${besides(x)} is ${percent(usage)} of the ${money(limit, currency)} limit ` +
        `(${money(over, currency)} over). Review the limit${against} or hold new orders until the balance is back under it`,
    reasons: [
      ...(usage === null ? [] : [{ factor: 'creditLimitUsage', text: `${percent(usage)} of the credit limit used`, value: Math.round(usage * 100) / 100 }]),
      { factor: 'creditLimit', text: limitText(limit, currency), value: limit },
      { factor: 'overSince', text: `over the limit ${sinceText(since)}`, value: since.on },
      exposureReason(x),
    ],
    priority: priority(Math.max(over, floorIn(policy, currency, facts.rates)), urgency('credit_limit_exceeded', review.daysLate), risk(x.c), currency),
  };
}

function coverOverrun(x: Exposure, facts: PlanningFacts, policy: AgendaPolicy): Suggestion | null {
  const review = overrunReview(x, 'cover', facts, policy);
  if (!review) return null;
  const { held, threshold: cover, since } = review;
  const currency = x.r.accountCurrency;
  const uncovered = roundMoney(held - cover);
  // A cover of 0 is the insurer's refusal: none of the balance is insured, and there is no cover to raise.
  const refused = cover === 0;
  const ask = x.r.ndCover
    ? 'request a named credit limit from the insurer (the unnamed-buyer cover stops there)'
    : refused
      ? 'ask the insurer to reconsider its refusal, or secure the balance (guarantee, prepayment)'
      : 'ask the insurer to raise the cover, or secure the excess (guarantee, prepayment)';
  const coverText = refused ? 'no cover, the insurer refused it (cover 0)' : `cover ${money(cover, currency)}`;
  return {
    ...riskTask(x, currency),
    dedupeKey: review.dedupeKey,
    kind: 'cover_exceeded',
    dueDate: review.dueDate,
    reason: (refused
      ? `Exposure the credit insurer refused to cover ${sinceText(since)}: none of the ${money(held, currency)} open${besides(x)} is covered `
      : `Exposure above the credit insurance ${sinceText(since)}: ${money(uncovered, currency)} of the ${money(held, currency)} open${besides(x)} is not covered `) +
      `(${coverText}${x.r.ndCover ? ', unnamed-buyer' : ''}). ${ask[0].toUpperCase()}${ask.slice(1)}`,
    reasons: [
      { factor: 'uncoveredExposure', text: `${money(uncovered, currency)} above the insurer's cover`, value: uncovered },
      { factor: 'insurerCover', text: `insurer ${coverText}${x.r.ndCover ? ' (unnamed-buyer / discretionary)' : ''}`, value: cover },
      { factor: 'overSince', text: `above the cover ${sinceText(since)}`, value: since.on },
      exposureReason(x),
    ],
    priority: priority(Math.max(uncovered, floorIn(policy, currency, facts.rates)), urgency('cover_exceeded', review.daysLate), risk(x.c), currency),
  };
}

/** What is at stake in a customer-wide event: its whole balance, valued when it can be. */
function atStake(x: Exposure, facts: PlanningFacts, policy: AgendaPolicy): { amount: number; currency: string } {
  const amount = x.amount ?? x.c?.openAmount ?? 0;
  const currency = x.amount === null ? x.c?.currency ?? x.r.accountCurrency : x.r.accountCurrency;
  return { amount: Math.max(amount, floorIn(policy, currency, facts.rates)), currency };
}

function insolvency(x: Exposure, facts: PlanningFacts, policy: AgendaPolicy): Suggestion | null {
  const event = x.r.insolvency;
  if (!event || daysBetween(event.on, facts.asOf) > policy.risk.eventLookbackDays) return null;
  const stake = atStake(x, facts, policy);
  const said = [event.source, event.procedure].filter((w) => w);
  const source = said.length ? ` (${said.join(': ')})` : '';
  const again = event.firstOn < event.on ? `, after proceedings first reported on ${event.firstOn}` : '';
  return {
    ...riskTask(x, stake.currency),
    dedupeKey: `risk:insolvency:c${x.r.customerId}:e${event.eventId}`,
    kind: 'insolvency',
    dueDate: event.on,
    reason: `Insolvency proceedings reported on ${event.on}${source}${again}: declare the claim of ${money(stake.amount, stake.currency)} ` +
      'to the administrator before the deadline (two months from publication in France), and stop the reminders',
    reasons: [
      { factor: 'insolvency', text: `insolvency proceedings reported on ${event.on}${source}${again}`, value: event.on },
      { factor: 'daysSinceEvent', text: `${plural(daysBetween(event.on, facts.asOf), 'day')} ago`, value: daysBetween(event.on, facts.asOf) },
      exposureReason(x),
    ],
    priority: priority(stake.amount, urgency('insolvency', daysBetween(event.on, facts.asOf)), risk(x.c), stake.currency),
  };
}

function downgrade(x: Exposure, facts: PlanningFacts, policy: AgendaPolicy): Suggestion | null {
  const change = x.r.scoreChange;
  if (!change || daysBetween(change.on, facts.asOf) > policy.risk.eventLookbackDays) return null;
  const { highScore, scoreJump } = policy.risk;
  const crossed = change.to >= highScore && (change.from === null || change.from < highScore);
  const jumped = change.from !== null && change.to - change.from >= scoreJump;
  if (!crossed && !jumped) return null;
  const stake = atStake(x, facts, policy);
  const from = change.from === null ? '' : ` from ${change.from}`;
  const source = change.source ? ` (${change.source})` : '';
  const limit = x.r.creditLimit === null ? '' : ` (${limitText(x.r.creditLimit, x.r.accountCurrency)})`;
  return {
    ...riskTask(x, stake.currency),
    dedupeKey: `risk:score:c${x.r.customerId}:e${change.eventId}`,
    kind: 'risk_downgrade',
    dueDate: change.on,
    reason: `Risk score up${from} to ${change.to} on ${change.on}${source}${crossed ? `, now high risk (${highScore}+)` : ''}: ` +
      `review the credit limit${limit} and the payment terms, and consider securing new orders`,
    reasons: [
      { factor: 'riskScore', text: `risk score${from} to ${change.to}${source}`, value: change.to },
      ...(change.from === null ? [] : [{ factor: 'riskScoreChange', text: `+${change.to - change.from} points`, value: change.to - change.from }]),
      exposureReason(x),
    ],
    priority: priority(stake.amount, urgency('risk_downgrade', 0), risk(x.c), stake.currency),
  };
}

/**
 * The yearly review of a credit limit (brief 004: "credit limit reviews"),
 * due `limitReviewEveryDays` after the committee's last decision. A limit
 * with no decision recorded is not dated: on go-live every customer would be
 * due at once, the flood the brief's start-up strategy warns of.
 */
function limitReview(x: Exposure, facts: PlanningFacts, policy: AgendaPolicy): Suggestion | null {
  const decision = x.r.limitDecision;
  const limit = x.r.creditLimit;
  if (limit === null || decision === null) return null;
  const every = policy.risk.limitReviewEveryDays;
  const rec = recurrence(`risk:limit-review:c${x.r.customerId}:e${decision.eventId}`, facts.closures, decision.on, every, every);
  if (rec.dueDate > facts.asOf) return null;
  const stake = atStake(x, facts, policy);
  const by = [decision.source, decision.reason].filter((w) => w).join(': ');
  const decided = `${limitText(limit, x.r.accountCurrency)} decided on ${decision.on}${by ? ` (${by})` : ''}`;
  const daysLate = daysBetween(rec.dueDate, facts.asOf);
  return {
    ...riskTask(x, stake.currency),
    dedupeKey: rec.dedupeKey,
    kind: 'limit_review',
    dueDate: rec.dueDate,
    reason: `Credit limit due for its review: ${decided}. Check it against the customer's exposure, payment behaviour and ` +
      'latest financials, and record the decision, kept or changed',
    reasons: [
      { factor: 'limitDecidedOn', text: decided, value: decision.on },
      { factor: 'reviewDue', text: `review due ${rec.dueDate}${daysLate > 0 ? `, ${plural(daysLate, 'day')} ago` : ''}`, value: rec.dueDate },
      exposureReason(x),
    ],
    priority: priority(stake.amount, urgency('limit_review', daysLate), risk(x.c), stake.currency),
  };
}

/** What to do about a company change, in the credit manager's words. */
const CHANGE_ASKS: Record<CompanyChangeKind, { what: (detail: string | null) => string; ask: string }> = {
  director_change: {
    what: (detail) => `Change of management${detail ? ` (${detail})` : ''}`,
    ask: 'confirm who now approves payments and update the contacts; a new management often changes how bills are paid, ' +
      'so review the credit limit and the payment terms',
  },
  address_change: {
    what: (detail) => `Change of address${detail ? ` (${detail})` : ''}`,
    ask: 'update the billing address on invoices and reminders, and check the move with the customer: a company that ' +
      'moves as its debts grow may be hard to reach when it is time to collect',
  },
};

/** One review per watched company change (brief 002), within the event look-back. */
function companyChanges(x: Exposure, facts: PlanningFacts, policy: AgendaPolicy): Suggestion[] {
  const watched = new Set(policy.risk.watchedChanges);
  return x.r.companyChanges
    .filter((e) => watched.has(e.kind) && e.on <= facts.asOf && daysBetween(e.on, facts.asOf) <= policy.risk.eventLookbackDays)
    .map((e): Suggestion => {
      const stake = atStake(x, facts, policy);
      const { what, ask } = CHANGE_ASKS[e.kind];
      const reported = `${what(e.detail)} reported on ${e.on}${e.source ? ` (${e.source})` : ''}`;
      return {
        ...riskTask(x, stake.currency),
        dedupeKey: `risk:change:c${x.r.customerId}:e${e.eventId}`,
        kind: 'company_change',
        dueDate: e.on,
        reason: `${reported}: ${ask}`,
        reasons: [
          { factor: e.kind, text: reported, value: e.on },
          { factor: 'daysSinceEvent', text: `${plural(daysBetween(e.on, facts.asOf), 'day')} ago`, value: daysBetween(e.on, facts.asOf) },
          exposureReason(x),
        ],
        priority: priority(stake.amount, urgency('company_change', 0), risk(x.c), stake.currency),
      };
    });
}

const ASK_FOR_LIMIT_REVIEW: ReadonlySet<SuggestionKind> = new Set<SuggestionKind>(['credit_limit_exceeded', 'risk_downgrade']);

export function planRiskActions(facts: PlanningFacts, policy: AgendaPolicy): Suggestion[] {
  const out: Suggestion[] = [];
  for (const r of facts.risk) {
    const x: Exposure = { r, c: facts.customers.get(r.customerId), ...exposureOf(r, facts.rates) };
    // Once proceedings open, the claim is what is left to manage: limits and cover no longer matter.
    const mine: Suggestion[] = [];
    for (const plan of r.insolvency ? [insolvency] : [downgrade, limitOverrun, coverOverrun]) {
      const s = plan(x, facts, policy);
      if (s) mine.push(s);
    }
    // An overrun or a downgrade asks for the limit to be reviewed already: the yearly review would say it twice.
    const review = r.insolvency || mine.some((s) => ASK_FOR_LIMIT_REVIEW.has(s.kind)) ? null : limitReview(x, facts, policy);
    out.push(...mine, ...(review ? [review] : []));
    if (!r.insolvency) out.push(...companyChanges(x, facts, policy));
  }
  return out;
}
