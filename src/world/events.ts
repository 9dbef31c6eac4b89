// External events from credit-information providers and the customer file:
// risk-score updates (jumps precede some drifts and every insolvency),
// insolvencies, address and director changes, credit-limit decisions.
import { FIRST_NAMES, LAST_NAMES } from './catalog.js';
import { MS_PER_DAY, MS_PER_HOUR, type Day } from './dates.js';
import { customerStream } from './rng.js';
import type { CustomerPlan, Period } from './traits.js';
import { clamp } from './traits.js';
import type { ExternalEventRow } from './types.js';

export interface EventsResult {
  events: Array<Omit<ExternalEventRow, 'externalId' | 'occurredAt'> & { day: Day; at: number }>;
  riskScore: number;
  creditLimit: number;
  contactChangeDays: Day[];
  riskSignalDay: Day | null;
}

function roundLimit(x: number): number {
  return Math.max(5_000, Math.round(x / 1_000) * 1_000);
}

export function simulateEvents(seed: number, plan: CustomerPlan, period: Period): EventsResult {
  const rng = customerStream(seed, plan.index, 'events');
  const events: EventsResult['events'] = [];
  const push = (day: Day, kind: ExternalEventRow['kind'], value: number | null, payload: Record<string, unknown>, source: string): void => {
    // Providers publish during their working day (UTC batch times).
    const at = day * MS_PER_DAY + rng.int(6, 18) * MS_PER_HOUR;
    if (day >= plan.startDay && day <= period.endDay) events.push({ day, at, kind, value, payload, source, customerExternalId: plan.externalId });
  };
  let score = clamp(Math.round(plan.latentRiskScore + rng.gaussian(0, 5)), 1, 99);
  let limit = roundLimit(plan.annualTurnover * rng.uniform(0.12, 0.25));
  const jumps: Array<{ day: Day; size: number }> = [];
  const signal = plan.drift?.riskSignalDaysBefore ?? null;
  const riskSignalDay = signal !== null && plan.drift ? plan.drift.startDay - signal : null;
  if (riskSignalDay !== null) jumps.push({ day: riskSignalDay, size: rng.int(12, 25) });
  if (plan.insolvencyDay !== null) jumps.push({ day: plan.insolvencyDay - rng.int(20, 90), size: rng.int(20, 35) });

  // Quarterly provider updates, not every quarter for every customer.
  const updates: Day[] = [];
  for (let d = plan.startDay + rng.int(0, 90); d <= period.endDay; d += rng.int(80, 100)) if (rng.chance(0.5)) updates.push(d);
  const timeline = [
    ...updates.map((day) => ({ day, size: 0 })),
    ...jumps,
  ].sort((a, b) => a.day - b.day);
  for (const { day, size } of timeline) {
    const previous = score;
    score = size > 0 ? clamp(score + size, 1, 99) : clamp(Math.round(score + 0.3 * (plan.latentRiskScore - score) + rng.gaussian(0, 4)), 1, 99);
    push(day, 'risk_score_change', score, { previous, provider: 'credit-bureau' }, 'credit-bureau');
    if (size > 0) {
      const decided = day + rng.int(5, 20);
      const previousLimit = limit;
      limit = roundLimit(limit * rng.uniform(0.5, 0.7));
      push(decided, 'credit_limit_decision', limit, { previous: previousLimit, reason: 'risk score increase' }, 'credit-committee');
    }
  }
  for (let review = plan.startDay + 365 + rng.int(0, 30); review <= period.endDay; review += 365) {
    const previousLimit = limit;
    limit = roundLimit(plan.annualTurnover * rng.uniform(0.12, 0.25) * (score >= 70 ? 0.6 : 1));
    push(review, 'credit_limit_decision', limit, { previous: previousLimit, reason: 'annual review' }, 'credit-committee');
  }
  if (plan.insolvencyDay !== null) {
    const procedure = plan.country === 'CA' ? 'CCAA' : plan.country === 'FR' ? 'redressement judiciaire' : 'Chapter 11';
    push(plan.insolvencyDay, 'insolvency', null, { procedure }, 'legal-gazette');
  }
  const contactChangeDays: Day[] = [];
  const span = period.endDay - plan.startDay;
  if (span > 60 && rng.chance(0.04)) {
    const day = plan.startDay + rng.int(30, span);
    push(day, 'address_change', null, { field: 'billingAddress', new: `${rng.int(10, 9999)} ${rng.pick(['Main St', 'Industrial Pkwy', 'King St W', 'Rue Principale'])}` }, 'company-registry');
    if (rng.chance(0.5)) contactChangeDays.push(day + rng.int(1, 10));
  }
  if (span > 60 && rng.chance(0.03)) {
    const day = plan.startDay + rng.int(30, span);
    push(day, 'director_change', null, { role: rng.pick(['CFO', 'CEO', 'Treasurer']), new: `${rng.pick(FIRST_NAMES)} ${rng.pick(LAST_NAMES)}` }, 'company-registry');
    if (rng.chance(0.5)) contactChangeDays.push(day + rng.int(1, 10));
  }
  events.sort((a, b) => a.at - b.at);
  return { events, riskScore: score, creditLimit: limit, contactChangeDays, riskSignalDay };
}
