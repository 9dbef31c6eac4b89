// Invoices of one customer and the true way each gets paid: the customer's
// delay distribution, seasonality, disputes, partial and instalment habits,
// monthly pay runs, drifts and insolvency. Output is the full true schedule of
// payment chunks, including those after the end date (the hidden future).
import { DISPUTE_REASONS } from './catalog.js';
import { addMonths, dayFromYmd, monthOf, nextBusinessDay, previousBusinessDay, ymd, type Day } from './dates.js';
import type { Random } from './rng.js';
import type { CustomerPlan, Period } from './traits.js';
import type { PaymentMethod } from './types.js';

export interface Chunk {
  day: Day;
  cents: number;
  method: PaymentMethod;
}

export interface InvoiceSim {
  index: number;
  externalId: string;
  number: string;
  issueDay: Day;
  dueDay: Day;
  cents: number;
  poNumber: string | null;
  disputed: boolean;
  disputeDay: Day | null;
  disputeReason: readonly [string, string] | null;
  /** True payment schedule (may run past the end date). */
  chunks: Chunk[];
  /** Day the invoice is fully settled in truth; null when it never will be. */
  settleDay: Day | null;
  /** Early-payment discount granted (credit note), in cents. */
  discountCents: number;
  driftAffected: boolean;
  instalmentPlan: boolean;
}

/** Issue days: regular rhythm per segment, jittered, with the odd skipped period. */
export function issueSchedule(rng: Random, plan: CustomerPlan, period: Period): Day[] {
  const interval = 365 / plan.invoicesPerYear;
  const jitter = interval >= 14 ? 2 : 1;
  const days: Day[] = [];
  let t = plan.startDay + rng.uniform(0, interval);
  while (t <= period.endDay) {
    const day = nextBusinessDay(Math.round(t) + rng.int(-jitter, jitter));
    if (day >= plan.startDay && day <= period.endDay && !rng.chance(0.04)) {
      if (days.length === 0 || day > days[days.length - 1]) days.push(day);
    }
    t += interval;
  }
  return days;
}

export function isPostDrift(plan: CustomerPlan, day: Day, kind: string): boolean {
  return plan.drift !== null && plan.drift.kind === kind && day >= plan.drift.startDay;
}

/** Latest pay run on or before `target`, but never before the invoice can be booked. */
function payRunDay(runDayOfMonth: number, target: Day, earliest: Day): Day {
  const { year, month } = ymd(target);
  let run = dayFromYmd(year, month, runDayOfMonth);
  if (run > target) run = addMonths(run, -1);
  while (run < earliest) run = addMonths(run, 1);
  return run;
}

function splitCents(rng: Random, cents: number, parts: number): number[] {
  const weights = Array.from({ length: parts }, () => rng.uniform(0.7, 1.3));
  const total = weights.reduce((a, b) => a + b, 0);
  const out = weights.map((w) => Math.floor((cents * w) / total));
  out[parts - 1] += cents - out.reduce((a, b) => a + b, 0);
  return out;
}

/** Instalments are separate payments: keep their days strictly increasing. */
export function distinctDays(chunks: Chunk[]): void {
  for (let j = 1; j < chunks.length; j++) if (chunks[j].day <= chunks[j - 1].day) chunks[j].day = chunks[j - 1].day + 1;
}

/** Builds one invoice and its true (untreated) payment schedule. */
export function simulateInvoice(rng: Random, plan: CustomerPlan, index: number, issueDay: Day): InvoiceSim {
  const p = plan.payment;
  const seq = String(index + 1).padStart(4, '0');
  const customerNumber = plan.externalId.slice(4);
  const dueDay = issueDay + plan.termsDays;
  const meanCents = (plan.annualTurnover / plan.invoicesPerYear) * 100;
  const cents = Math.max(5_000, Math.round(meanCents * rng.lognormal(-0.06, 0.35)));
  const poNumber = rng.chance(0.55) ? `PO-${rng.int(100000, 999999)}` : null;

  const creep = isPostDrift(plan, issueDay, 'delay_creep');
  const spike = isPostDrift(plan, issueDay, 'dispute_spike');
  const shifted = isPostDrift(plan, issueDay, 'method_shift');
  const driftAffected = plan.drift !== null && issueDay >= plan.drift.startDay;

  let location = creep && plan.drift ? plan.drift.postDelayLocationDays : p.delayLocationDays;
  if (plan.insolvencyDay !== null && issueDay > plan.insolvencyDay - 120) {
    // Cash trouble shows in payments for months before the insolvency.
    location += 20 * (1 - (plan.insolvencyDay - issueDay) / 120);
  }
  const season = p.seasonality.amplitudeDays * Math.cos((2 * Math.PI * (monthOf(dueDay) - p.seasonality.peakMonth)) / 12);
  const noise = p.heavyTails ? p.delayScaleDays * 0.6 * rng.studentT(3) : p.delayScaleDays * rng.normal();
  const disputeRate = spike && plan.drift ? plan.drift.postDisputeRate : p.disputeRate;
  const disputed = rng.chance(disputeRate);
  const disputeDay = disputed ? issueDay + rng.int(3, 25) : null;
  const disputeReason = disputed ? rng.pick(DISPUTE_REASONS) : null;

  const method: PaymentMethod = shifted ? 'card' : p.preferredMethod;
  let delay: number;
  if (method === 'direct_debit') {
    delay = rng.chance(p.directDebitFailureRate) ? rng.int(5, 14) : 0;
  } else {
    delay = location + season + noise;
  }
  if (disputed) delay = Math.max(delay, 0) + p.disputeDelayDays * rng.uniform(0.6, 1.4);
  let settleDay = Math.max(issueDay + 1, dueDay + Math.round(delay));
  if (p.monthlyPayRunDay !== null && !shifted) settleDay = payRunDay(p.monthlyPayRunDay, settleDay, issueDay + 2);
  // Banks do not move money on weekends: an on-time payer pays the Friday before, a late one the Monday after.
  const toBusinessDay = (day: Day): Day =>
    day <= dueDay ? Math.max(issueDay + 1, previousBusinessDay(day)) : nextBusinessDay(day);
  if (method !== 'card') settleDay = toBusinessDay(settleDay);

  let chunks: Chunk[];
  const instalmentPlan = shifted || (p.instalments.propensity > 0 && rng.chance(p.instalments.propensity));
  if (instalmentPlan) {
    const [lo, hi] = shifted && plan.drift ? plan.drift.postInstalmentCount : [p.instalments.minCount, p.instalments.maxCount];
    const count = rng.int(lo, hi);
    const spacing = shifted ? rng.int(5, 10) : p.instalments.spacingDays;
    const amounts = splitCents(rng, cents, count);
    chunks = amounts.map((c, j) => ({ day: Math.max(issueDay + 1 + j, settleDay - (count - 1 - j) * spacing), cents: c, method }));
  } else if (p.partialPaymentPropensity > 0 && rng.chance(p.partialPaymentPropensity)) {
    const first = Math.round(cents * rng.uniform(0.3, 0.7));
    const firstDay = Math.max(issueDay + 1, settleDay - rng.int(7, 30));
    chunks = [
      { day: firstDay, cents: first, method },
      { day: settleDay, cents: cents - first, method },
    ];
  } else {
    chunks = [{ day: settleDay, cents, method }];
  }
  if (method !== 'card') for (const c of chunks) c.day = toBusinessDay(c.day);
  distinctDays(chunks);

  let finalSettle: Day | null = Math.max(...chunks.map((c) => c.day));
  if (plan.insolvencyDay !== null && finalSettle >= plan.insolvencyDay) {
    // After the insolvency nothing more is collected.
    chunks = chunks.filter((c) => c.day < plan.insolvencyDay!);
    finalSettle = null;
  }
  return {
    index,
    externalId: `INV-${customerNumber}-${seq}`,
    number: `${ymd(issueDay).year}-${customerNumber}-${seq}`,
    issueDay,
    dueDay,
    cents,
    poNumber,
    disputed,
    disputeDay,
    disputeReason,
    chunks,
    settleDay: finalSettle,
    discountCents: 0,
    driftAffected,
    instalmentPlan,
  };
}
