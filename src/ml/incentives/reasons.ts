// Why this lever, in a credit manager's words, with the numbers behind them:
// "card payment link cut days-to-pay by 9 for similar small customers (n=140)".
import type { Reason } from '../model.js';
import { LEVER_LABEL } from './config.js';
import type { DecisionContext } from './decisions.js';
import { promptPayerException, promptPayerRule } from './prompt-payer.js';
import type { RecommendationDetail } from './recommend.js';
import type { IncentiveState } from './state.js';
import type { EvidenceLevel, LeverAssessment } from './types.js';

const PAYER_WORDS = { prompt: 'prompt payers', late: 'late payers', unknown: 'little payment history' } as const;
const RISK_WORDS = { low: 'low risk', high: 'high risk', unknown: 'no risk score' } as const;

function who(level: EvidenceLevel, c: DecisionContext): string {
  switch (level) {
    case 'customer':
      return 'this customer';
    case 'similar':
      return `similar ${c.segment} customers (${PAYER_WORDS[c.payerBand]}, ${RISK_WORDS[c.riskBand]})`;
    case 'segment':
      return `${c.segment} customers`;
    case 'portfolio':
      return 'customers overall';
  }
}

const capital = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);
const days = (x: number) => `${Math.abs(x).toFixed(Math.abs(x) < 10 ? 1 : 0)} day${Math.abs(x) === 1 ? '' : 's'}`;

function effectText(a: LeverAssessment, c: DecisionContext): string {
  const label = capital(LEVER_LABEL[a.lever]);
  const group = `${who(a.level, c)} (n=${a.decisions})`;
  const speed =
    Math.abs(a.daysToPayChange) < 1
      ? `${label} had no clear effect on days-to-pay for ${group}`
      : `${label} ${a.daysToPayChange < 0 ? 'cut' : 'added'} ${days(a.daysToPayChange)} ${a.daysToPayChange < 0 ? 'from' : 'to'} days-to-pay for ${group}`;
  const churn = Math.abs(a.churnChange) >= 0.005 ? `; ${a.churnChange > 0 ? '+' : '−'}${(Math.abs(a.churnChange) * 100).toFixed(1)} % chance they stop ordering` : '';
  const tookText = a.takeUp ? ` (this customer took ${a.takeUp.taken} of its ${a.takeUp.offered} discounts: counted as ${(a.takeUp.share * 100).toFixed(0)} % likely to take it)` : '';
  const cost = a.costDays > 0.5 ? `; the discount given away is worth ${days(a.costDays)}${tookText}` : '';
  return speed + churn + cost;
}

/** The customer's own reactions to this stage's levers, in plain numbers; the recommended lever's first. */
function ownReactions(own: RecommendationDetail['own'], recommended: string, cap: number): Reason[] {
  const tried = new Map<string, number[]>();
  for (const t of own) {
    if (t.decision.action === 'none') continue;
    const paid = tried.get(t.decision.action);
    if (paid) paid.push(t.decision.daysToPay);
    else tried.set(t.decision.action, [t.decision.daysToPay]);
  }
  const levers = [...tried.keys()].sort((a, b) => Number(b === recommended) - Number(a === recommended));
  return levers.map((lever) => {
    const paid = tried.get(lever)!;
    // The cap means "not paid within it".
    const list = paid.slice(-3).map((d) => (d >= cap ? `${cap}+` : String(d))).join(', ');
    return {
      factor: `history:${lever}`,
      text: `this customer got ${LEVER_LABEL[lever as keyof typeof LEVER_LABEL]} ${paid.length} time${paid.length === 1 ? '' : 's'}: paid ${list} days later${paid.length > 3 ? ' (last 3)' : ''}`,
      value: paid.length,
    };
  });
}

export function incentiveReasons(detail: RecommendationDetail, state: IncentiveState): Reason[] {
  const { recommendation: rec, context, own } = detail;
  const reasons: Reason[] = [];
  const chosen = rec.assessments.find((a) => a.lever === rec.lever);
  if (chosen) {
    reasons.push({ factor: `effect:${chosen.lever}`, text: effectText(chosen, context), weight: chosen.gainDays, value: chosen.daysToPayChange });
    // A discount to a prompt payer needs its own record behind it: say so before anything else.
    const exception = chosen.lever === 'discount' ? promptPayerException(context, own, promptPayerRule(state)) : undefined;
    if (exception) reasons.push({ factor: 'promptPayerException', text: exception, value: context.priorDaysLate });
  } else {
    const best = rec.assessments.find((a) => a.allowed);
    // One bar on every lever (insolvency proceedings) says what to do instead: the scenario may be stopped too.
    const bar = rec.assessments[0]?.blockedBy;
    const oneBar = bar !== undefined && rec.assessments.every((a) => a.blockedBy === bar);
    reasons.push({
      factor: 'noLeverWorthIt',
      text: best
        ? `no allowed lever clearly saves ${state.config.minGainDays} days or more (best: ${LEVER_LABEL[best.lever]}, ${best.gainDays.toFixed(1)} days-equivalent, ${(best.probabilityBetter * 100).toFixed(0)} % likely to help): keep the dunning scenario`
        : oneBar
          ? `no lever may be used: ${bar}`
          : 'no lever may be used in this situation: keep the dunning scenario',
      weight: 0,
      value: best?.gainDays ?? null,
    });
  }
  // How this customer reacted comes before the alternatives: the agenda shows the first three reasons.
  reasons.push(...ownReactions(own, rec.lever, state.config.outcomeCapDays));
  for (const a of rec.assessments) {
    if (a === chosen || a.decisions === 0) continue;
    if (a.allowed) reasons.push({ factor: `effect:${a.lever}`, text: effectText(a, context), weight: a.gainDays, value: a.daysToPayChange });
    else reasons.push({ factor: `guardrail:${a.lever}`, text: `${capital(LEVER_LABEL[a.lever])} not considered: ${a.blockedBy}`, value: a.blockedBy ?? null });
  }
  reasons.push({
    factor: 'stage',
    text:
      rec.stage === 'overdue'
        ? `overdue: effects measured on invoices ${state.points.overdueDaysAfterDue} days past due`
        : `not yet due: effects measured ${state.points.preDueDaysAfterIssue} day(s) after issue`,
    value: rec.stage,
  });
  return reasons;
}
