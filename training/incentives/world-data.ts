// A synthetic world as incentive inputs (customers with invoices and logged
// offers), and an oracle that knows, from the world's truth, what each
// decision's outcome would have been under every action.
import type { Action, Decision, DecisionPoints, IncentiveCustomer, Lever } from '../../src/ml/incentives/index.js';
import type { CustomerTruth, OfferTruth, Segment, Truth } from '../../src/world/index.js';
import { byCustomer, type LoadedWorld } from '../send-time/world-files.js';

export function incentiveCustomers(world: LoadedWorld, asOf: string): IncentiveCustomer[] {
  const invoices = byCustomer(world.rows.invoices?.filter((i) => i.kind !== 'credit_note'));
  const offers = byCustomer(world.rows['incentive-offers']);
  const insolvency = new Map((world.rows['external-events'] ?? []).filter((e) => e.kind === 'insolvency').map((e) => [e.customerExternalId, e.occurredAt.slice(0, 10)]));
  return (world.rows.customers ?? []).map((c) => ({
    customerExternalId: c.externalId,
    segment: c.segment,
    riskScore: c.riskScore,
    paymentMethod: c.paymentMethod,
    latePenalties: c.latePenalties,
    insolvencyDate: insolvency.get(c.externalId) ?? null,
    asOf,
    invoices: (invoices.get(c.externalId) ?? []).map((i) => ({
      externalId: i.externalId,
      issueDate: i.issueDate,
      dueDate: i.dueDate,
      // What was known at asOf: a later settlement is still open then.
      settledDate: i.settledDate !== null && i.settledDate <= asOf ? i.settledDate : null,
      amount: i.amount,
      disputed: i.disputed,
    })),
    offers: (offers.get(c.externalId) ?? [])
      .filter((o) => o.offeredAt.slice(0, 10) <= asOf)
      .map((o) => ({ ...o, ...(o.outcomeAt && o.outcomeAt.slice(0, 10) > asOf ? { outcome: null, outcomeAt: null, daysToPay: null } : {}) })),
  }));
}

/** Expected outcome of one action at one decision, by the world's own mechanics. */
export interface TrueOutcome {
  daysToPay: number;
  churned: number;
  paidEarly: number;
}

interface IncentiveMechanics {
  effects: {
    discount: Record<Segment, { acceptProbability: number }>;
    pressure: Record<Exclude<Lever, 'discount'>, Record<Segment, { daysToPayShift: number; churnProbability: number }>>;
  };
}

const DAY = 86_400_000;
const dayOf = (date: string) => Math.floor(Date.parse(date.slice(0, 10)) / DAY);

/**
 * The counterfactual oracle. The untreated payment day is known for every
 * decision (the invoice's own settlement when nothing was done, the truth's
 * `untreatedSettledDate` when a lever was applied); a lever's effect follows
 * the world's formulas with the customer's hidden sensitivities.
 */
export class IncentiveOracle {
  private readonly mechanics: IncentiveMechanics;
  private readonly offerByInvoice = new Map<string, OfferTruth>();
  private readonly settled = new Map<string, { issue: number; settled: number | null; disputed: boolean }>();
  private readonly delayCreepStart = new Map<string, number>();

  constructor(private readonly world: LoadedWorld, private readonly points: DecisionPoints, private readonly capDays: number) {
    const truth: Truth = world.truth;
    this.mechanics = (truth.models as { incentives: IncentiveMechanics }).incentives;
    const offerRows = new Map((world.rows['incentive-offers'] ?? []).map((o) => [o.externalId, o]));
    for (const [id, t] of Object.entries(truth.offers)) {
      const row = offerRows.get(id);
      if (row) this.offerByInvoice.set(`${row.invoiceExternalIds[0]}|${t.lever === 'discount' ? 'pre_due' : 'overdue'}`, t);
    }
    for (const i of world.rows.invoices ?? []) {
      if (i.kind === 'credit_note') continue;
      const open = truth.openInvoices[i.externalId];
      const settled = i.settledDate ?? open?.trueSettledDate ?? null;
      this.settled.set(i.externalId, { issue: dayOf(i.issueDate), settled: settled === null ? null : dayOf(settled), disputed: i.disputed });
    }
    for (const d of truth.drifts) if (d.kind === 'delay_creep') this.delayCreepStart.set(d.customerExternalId, dayOf(d.startDate));
  }

  customer(id: string): CustomerTruth {
    return this.world.truth.customers[id];
  }

  /** Expected outcome of `action` at decision `d`. */
  outcome(d: Decision, action: Action): TrueOutcome {
    const c = this.customer(d.customerExternalId!);
    const invoice = this.settled.get(d.invoiceExternalId)!;
    const offered = this.offerByInvoice.get(`${d.invoiceExternalId}|${d.stage}`);
    const untreatedDate = offered ? offered.untreatedSettledDate : null;
    const untreated = offered ? (untreatedDate === null ? null : dayOf(untreatedDate)) : invoice.settled;
    const cap = (days: number | null) => (days === null ? this.capDays : Math.min(this.capDays, Math.max(0, days)));
    const remaining = untreated === null ? null : untreated - d.day;
    const earlyUntreated = untreated !== null && untreated - invoice.issue <= this.points.discountWithinDays ? 1 : 0;
    if (action === 'none') return { daysToPay: cap(remaining), churned: 0, paidEarly: earlyUntreated };
    const segment = c.segment;
    if (action === 'discount') {
      const creep = this.delayCreepStart.get(d.customerExternalId!);
      const cashStrapped = c.payment.delayLocationDays > 5 || (creep !== undefined && invoice.issue >= creep);
      const accept = invoice.disputed || untreated === null ? 0 : Math.min(0.95, this.mechanics.effects.discount[segment].acceptProbability * c.incentives.discountSensitivity * (cashStrapped ? 0.2 : 1));
      // A taken discount is paid 3..withinDays days after issue (uniform).
      const takenDays = (3 + this.points.discountWithinDays) / 2 - this.points.preDueDaysAfterIssue;
      return { daysToPay: accept * takenDays + (1 - accept) * cap(remaining), churned: 0, paidEarly: accept + (1 - accept) * earlyUntreated };
    }
    const effect = this.mechanics.effects.pressure[action][segment];
    const sensitivity = action === 'card_payment' ? c.incentives.discountSensitivity : c.incentives.pressureSensitivity;
    const treated = remaining === null ? null : Math.max(1, Math.round(remaining + effect.daysToPayShift * sensitivity));
    return { daysToPay: cap(treated), churned: Math.min(1, effect.churnProbability * c.incentives.churnSensitivity), paidEarly: earlyUntreated };
  }
}

export function trueObjective(o: TrueOutcome, action: Action, churnCostDays: number, discountCostDays: number): number {
  return o.daysToPay + churnCostDays * o.churned + (action === 'discount' ? discountCostDays * o.paidEarly : 0);
}
