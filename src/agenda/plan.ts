// The planner: facts in, suggestions out, highest priority first. Pure: the
// SQL that loads facts is in facts.ts, the writer in materialise.ts.
import type { AgendaPolicy } from './policy.js';
import { rankedInReporting, ratesOf } from './currencies.js';
import { codePointOrder } from './keys.js';
import { planCreditOffsets } from './plan-credit.js';
import { planMlSuggestions } from './plan-ml.js';
import { planQualificationFollowUps } from './plan-qualification.js';
import { planScenarioSteps } from './plan-scenario.js';
import { insolventCustomers, planRiskActions, STOPPED_BY_INSOLVENCY } from './plan-risk.js';
import type { PlanningFacts, Suggestion } from './types.js';

export function byPriority(a: Suggestion, b: Suggestion): number {
  return b.priority.score - a.priority.score || codePointOrder(a.dueDate, b.dueDate) || codePointOrder(a.dedupeKey, b.dedupeKey);
}

export function planAgenda(facts: PlanningFacts, policy: AgendaPolicy): Suggestion[] {
  const rates = ratesOf(facts.rates, policy.reportingCurrency);
  const insolvent = insolventCustomers(facts);
  return [
    ...planScenarioSteps(facts, policy),
    ...planQualificationFollowUps(facts, policy),
    ...planCreditOffsets(facts),
    ...planMlSuggestions(facts, policy),
    ...planRiskActions(facts, policy),
  ]
    .filter((s) => !(insolvent.has(s.customerId) && STOPPED_BY_INSOLVENCY.has(s.kind)))
    .map((s) => ({ ...s, priority: rankedInReporting(s.priority, s.currency, rates, policy.reportingCurrency) }))
    .sort(byPriority);
}
