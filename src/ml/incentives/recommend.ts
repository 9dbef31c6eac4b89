// The recommendation for one customer in one situation: every lever of the
// stage is assessed from the most specific evidence that carries weight
// (the customer, similar customers, the segment, the portfolio), business
// guardrails are applied, and the best allowed lever is recommended only if it
// clearly beats doing nothing.
import { cumulativeStdNormalProbability } from 'simple-statistics';
import type { IncentiveConfig } from './config.js';
import { contextAt, customerDecisions, dayNumber, parseInvoices, type DecisionContext, type ParsedInvoice } from './decisions.js';
import { contrast, decisionTerms, discountCostDays, gainDays, Moments, type DecisionTerms } from './estimators.js';
import { promptPayerBlock, promptPayerRule, type PromptPayerRule } from './prompt-payer.js';
import { cellKey, combine, QUANTITIES, shrunkTakeUp, type LeverEstimate, type Posterior, type Quantity } from './shrinkage.js';
import type { IncentiveState } from './state.js';
import {
  STAGE_LEVERS,
  type EvidenceLevel,
  type IncentiveCustomer,
  type IncentiveInput,
  type IncentiveRecommendation,
  type Lever,
  type LeverAssessment,
  type OverdueInvoice,
  type OverdueSituation,
  type Stage,
} from './types.js';

const round2 = (x: number) => Math.round(x * 100) / 100;
const round4 = (x: number) => Math.round(x * 1e4) / 1e4;

export interface RecommendOptions {
  /** Replaces the artifact's guardrails (e.g. to measure what they cost). */
  guardrails?: IncentiveConfig['guardrails'];
}

export interface RecommendationDetail {
  recommendation: IncentiveRecommendation;
  context: DecisionContext;
  /** The customer's own past decisions (their reactions), with estimator terms. */
  own: DecisionTerms[];
  /** Per lever: the estimate each level gives (for reasons). */
  levels: Partial<Record<Lever, { segment?: LeverEstimate; cell?: LeverEstimate; portfolio: LeverEstimate }>>;
}

export const stageFor = (s: OverdueSituation): Stage => (s.daysOverdue > 0 ? 'overdue' : 'pre_due');

type GuardrailCustomer = Pick<IncentiveCustomer, 'latePenalties' | 'paymentMethod' | 'insolvencyDate'> & { asOf?: string };

/**
 * The day insolvency proceedings were first reported, when on or before the
 * customer's asOf. No event says a proceeding ended, so from then on the
 * debt is frozen: the claim is declared to the administrator, and pressing
 * the customer (agency, termination, penalties) or taking a payment of it
 * (discount, card link) is not the creditor's to do. A legal bar, not a
 * business setting: no `guardrails` override lifts it.
 */
export function insolventSince(customer: GuardrailCustomer): string | null {
  const since = dayNumber(customer.insolvencyDate);
  if (since === null) return null;
  const asOf = dayNumber(customer.asOf);
  return asOf === null || since <= asOf ? (customer.insolvencyDate as string).slice(0, 10) : null;
}

/** Why a guardrail keeps `lever` out of this situation, or undefined when it may be used. */
export function guardrailBlock(
  lever: Lever,
  situation: OverdueSituation,
  context: DecisionContext,
  customer: GuardrailCustomer,
  guardrails: IncentiveConfig['guardrails'],
  discountExcludedMethods: readonly string[] = [],
): string | undefined {
  const insolvent = insolventSince(customer);
  if (insolvent !== null) return `in insolvency proceedings since ${insolvent}: the debt is frozen, declare the claim`;
  if (lever === 'discount') {
    const method = customer.paymentMethod;
    return method != null && discountExcludedMethods.includes(method) ? `no discount for ${method} payers: they pay on the due date anyway` : undefined;
  }
  if (lever === 'late_penalty') {
    return guardrails.latePenaltyNeedsContractClause && customer.latePenalties === false ? 'the contract has no late-penalty clause' : undefined;
  }
  if (lever !== 'collection_agency' && lever !== 'service_termination') return undefined;
  const g = guardrails[lever];
  if (g.excludedSegments.includes(context.segment)) return `never for ${context.segment} customers`;
  if (situation.daysOverdue < g.minDaysOverdue) return `${situation.daysOverdue} days overdue, ${g.minDaysOverdue} required`;
  // The amount that is that late: a small old invoice beside a large new one does not warrant escalation.
  const late = (situation.overdueInvoices ?? [{ daysOverdue: situation.daysOverdue, amount: situation.overdueAmount }]).filter((i) => i.daysOverdue >= g.minDaysOverdue);
  const lateEnough = late.reduce((sum, i) => sum + (i.amount ?? 0), 0);
  if (lateEnough < g.minOverdueAmount) {
    return `${Math.round(lateEnough)} overdue by ${g.minDaysOverdue} days or more, ${g.minOverdueAmount} required${unvaluedText(late)}`;
  }
  return undefined;
}

/**
 * An amount no exchange rate values is neither past a threshold nor under it:
 * it is left out of the sum, and the reason names it so a person can weigh it
 * (the agenda's risk review does the same with a balance against its limit).
 */
function unvaluedText(invoices: readonly OverdueInvoice[]): string {
  const byCurrency = new Map<string, number>();
  for (const i of invoices) if (i.amount === null && i.owed) byCurrency.set(i.owed.currency, (byCurrency.get(i.owed.currency) ?? 0) + i.owed.amount);
  if (byCurrency.size === 0) return '';
  const owed = [...byCurrency].sort(([a], [b]) => a.localeCompare(b)).map(([currency, amount]) => `${Math.round(amount)} ${currency}`).join(' + ');
  return `; besides ${owed} that no exchange rate values, left out`;
}

/** The offers of `lever` among the customer's own decisions, and how many it took (paid within the discount window). */
function takenOf(own: readonly DecisionTerms[], lever: Lever): { taken: number; offered: number } {
  const offers = own.filter((t) => t.decision.action === lever);
  return { taken: offers.filter((t) => t.decision.paidEarly).length, offered: offers.length };
}

export class IncentiveRecommender {
  readonly costDays: number;

  readonly promptPayerRule: PromptPayerRule;

  constructor(readonly state: IncentiveState) {
    this.costDays = discountCostDays(state.points, state.config);
    this.promptPayerRule = promptPayerRule(state);
  }

  /**
   * Estimator terms of the customer's own recent decisions of a stage, known at
   * their asOf. A customer who never got one of the stage's levers tells nothing
   * about lever effects beyond similar customers: their decisions are skipped.
   */
  ownTerms(customer: IncentiveCustomer, stage: Stage, invoices: ParsedInvoice[] = parseInvoices(customer)): DecisionTerms[] {
    const levers: readonly string[] = STAGE_LEVERS[stage];
    if (invoices.length === 0 || !(customer.offers ?? []).some((o) => levers.includes(o.lever))) return [];
    const s = this.state;
    const decisions = customerDecisions(customer, s.points, s.config, { stage, invoices });
    // Propensities read the customer's logged odds over all of them; only the recent ones are kept.
    return decisionTerms(decisions, s.outcomeModel, s.propensities, s.config).slice(-s.config.customerEvidenceDecisions);
  }

  assess(
    stage: Stage,
    context: DecisionContext,
    situation: OverdueSituation,
    customer: GuardrailCustomer,
    own: DecisionTerms[],
    options: RecommendOptions = {},
  ): { assessments: LeverAssessment[]; levels: RecommendationDetail['levels'] } {
    const { config, effects } = this.state;
    const guardrails = options.guardrails ?? config.guardrails;
    const levels: RecommendationDetail['levels'] = {};
    const assessments: LeverAssessment[] = [];
    for (const lever of STAGE_LEVERS[stage]) {
      const e = effects[stage][lever];
      const blockedBy = guardrailBlock(lever, situation, context, customer, guardrails, config.discountExcludedMethods);
      if (!e) {
        assessments.push({ lever, daysToPayChange: 0, churnChange: 0, costDays: 0, gainDays: 0, gainStandardError: 0, probabilityBetter: 0, level: 'portfolio', decisions: 0, allowed: false, blockedBy: blockedBy ?? 'never tried in the log: nothing to learn from' });
        continue;
      }
      const segment = e.segments[context.segment];
      const cell = e.cells[cellKey(context)];
      levels[lever] = { segment, cell, portfolio: e.portfolio };
      const base = cell ?? segment ?? e.portfolio;
      let level: EvidenceLevel = 'portfolio';
      let decisions = e.portfolio.raw.n;
      if (cell && cell.gain.ownWeight > 0.5) [level, decisions] = ['similar', cell.raw.n];
      else if (segment && segment.gain.ownWeight > 0.5) [level, decisions] = ['segment', segment.raw.n];
      const post = this.withCustomer(base, own, stage, lever, e.customer);
      if (post.gain.ownWeight > 0.5) [level, decisions] = ['customer', post.gain.n];
      const daysToPayChange = round2(post.daysToPay.mean);
      const churnChange = round4(post.churned.mean);
      // The share that would take the discount: the customer's own, when it was offered some, pulled toward its group's.
      const takeUp = lever === 'discount' ? shrunkTakeUp(base.raw.paidEarlyUnderLever, takenOf(own, lever), e.customer.takeUpBetween) : null;
      const costDays = round2(takeUp ? this.costDays * takeUp.mean : 0);
      // Shrunk on its own, the gain can disagree with the days, churn and cost the
      // reasons state (each quantity is pulled toward its parent by its own weight):
      // the decision rests on the gain those stated components add up to. Its
      // uncertainty is still the shrunk gain's, which carries their covariance.
      const gain = round2(gainDays(daysToPayChange, churnChange, costDays, config.churnCostDays));
      const sd = Math.sqrt(post.gain.variance);
      const blocked = blockedBy ?? (lever === 'discount' && !guardrails.discountForPromptPayers ? promptPayerBlock(context, own, this.promptPayerRule) : undefined);
      assessments.push({
        lever,
        daysToPayChange,
        churnChange,
        costDays,
        gainDays: gain,
        gainStandardError: round2(sd),
        probabilityBetter: round4(sd > 0 ? cumulativeStdNormalProbability(gain / sd) : gain > 0 ? 1 : 0),
        level,
        decisions,
        ...(takeUp && takeUp.n > 0 ? { takeUp: { share: round4(takeUp.mean), taken: takenOf(own, lever).taken, offered: takeUp.n } } : {}),
        allowed: blocked === undefined,
        ...(blocked === undefined ? {} : { blockedBy: blocked }),
      });
    }
    assessments.sort((a, b) => b.gainDays - a.gainDays || a.lever.localeCompare(b.lever));
    return { assessments, levels };
  }

  /** The customer's own reactions, weighed against similar customers' (empirical Bayes). */
  private withCustomer(
    base: LeverEstimate,
    own: DecisionTerms[],
    stage: Stage,
    lever: Lever,
    customerLevel: { between: Record<Quantity, number>; perDecisionVariance: Record<Quantity, number> },
  ): Record<Quantity, Posterior> {
    const mine = own.filter((t) => t.decision.stage === stage);
    const m = { daysToPay: new Moments(), churned: new Moments(), gain: new Moments() };
    for (const t of mine) {
      const c = contrast(t, lever, this.costDays, this.state.config.churnCostDays);
      for (const q of QUANTITIES) m[q].add(c[q]);
    }
    const out = {} as Record<Quantity, Posterior>;
    for (const q of QUANTITIES) {
      const prior = { mean: base[q].mean, variance: customerLevel.between[q] + base[q].variance };
      out[q] = mine.length ? combine({ mean: m[q].mean, variance: customerLevel.perDecisionVariance[q] / mine.length, n: mine.length }, prior) : { ...base[q], ownWeight: 0 };
    }
    return out;
  }

  recommend(input: IncentiveInput, options: RecommendOptions = {}): RecommendationDetail {
    const { customer, situation } = input;
    const asOf = dayNumber(customer.asOf);
    if (asOf === null) throw new RangeError(`asOf is not a date: ${customer.asOf}`);
    const stage = stageFor(situation);
    const invoices = parseInvoices(customer);
    const context = contextAt(customer, asOf, this.state.config, situation.overdueAmount, invoices);
    const own = this.ownTerms(customer, stage, invoices);
    const { assessments, levels } = this.assess(stage, context, situation, customer, own, options);
    return { recommendation: this.choose(stage, assessments), context, own, levels };
  }

  /** The best allowed lever if it clearly beats doing nothing; else none. */
  choose(stage: Stage, assessments: LeverAssessment[]): IncentiveRecommendation {
    const { minGainDays, minProbabilityBetter } = this.state.config;
    const best = assessments.find((a) => a.allowed);
    const worthIt = best && best.gainDays >= minGainDays && best.probabilityBetter >= minProbabilityBetter;
    return {
      lever: worthIt ? best.lever : 'none',
      stage,
      expectedDaysToPayChange: worthIt ? best.daysToPayChange : 0,
      expectedChurnChange: worthIt ? best.churnChange : 0,
      gainDays: worthIt ? best.gainDays : 0,
      assessments,
    };
  }
}
