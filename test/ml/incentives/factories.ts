// Small factories for incentive tests: customers with invoices and offers, a
// simulated decision log with KNOWN lever effects and a confounded logging
// policy (synthetic, ground truth stated), and an artifact trained on a small
// generated world.
import { generateWorld } from '../../../src/world/index.js';
import { Random } from '../../../src/world/rng.js';
import {
  createIncentiveModel,
  type Action,
  type Decision,
  type IncentiveCustomer,
  type IncentiveInvoice,
  type IncentiveOffer,
  type IncentivePredictor,
} from '../../../src/ml/incentives/index.js';
import type { Artifact } from '../../../src/ml/model.js';
import { fromMemory } from '../../../training/send-time/world-files.js';
import { incentiveCustomers } from '../../../training/incentives/world-data.js';

const DAY = 86_400_000;
export const date = (day: number) => new Date(day * DAY).toISOString().slice(0, 10);
export const START = Date.UTC(2025, 0, 6) / DAY;

/** Invoice k issued every 30 days from START, due 30 days later, paid `daysLate(k)` after due (null = open). */
export function invoices(count: number, daysLate: (k: number) => number | null, amount = 1000): IncentiveInvoice[] {
  return Array.from({ length: count }, (_, k) => {
    const issue = START + 30 * k;
    const late = daysLate(k);
    return { externalId: `INV-${k}`, issueDate: date(issue), dueDate: date(issue + 30), settledDate: late === null ? null : date(issue + 30 + late), amount };
  });
}

export function offer(lever: string, invoiceIndex: number, day: number, propensity: number, extra: Partial<IncentiveOffer> = {}): IncentiveOffer {
  return { lever, offeredAt: `${date(day)}T15:00:00Z`, invoiceExternalIds: [`INV-${invoiceIndex}`], propensity, outcome: 'paid', ...extra };
}

export function customerOf(partial: Partial<IncentiveCustomer> & { invoices: IncentiveInvoice[] }): IncentiveCustomer {
  return { customerExternalId: 'CUS-1', segment: 'small', riskScore: 20, paymentMethod: 'transfer', latePenalties: true, asOf: date(START + 400), offers: [], ...partial };
}

/** True effects of the simulated log: days-to-pay shift and churn probability per action. */
export const SIMULATED_EFFECTS: Record<Exclude<Action, 'discount'>, { days: number; churn: number }> = {
  none: { days: 0, churn: 0 },
  late_penalty: { days: -4, churn: 0.02 },
  card_payment: { days: -8, churn: 0 },
  collection_agency: { days: -10, churn: 0.15 },
  service_termination: { days: -15, churn: 0.3 },
};

/**
 * A logged overdue decision per customer. High-risk customers pay 15 days
 * slower AND get the collection agency far more often: comparing raw means
 * makes the agency look slow; a correct estimator must undo that.
 */
export function simulatedLog(seed: number, n: number): Decision[] {
  const rng = new Random(seed, 'incentive-log');
  const decisions: Decision[] = [];
  for (let i = 0; i < n; i++) {
    const high = rng.chance(0.4);
    const segment = rng.chance(0.5) ? 'small' : 'standard';
    const weights: Array<[Exclude<Action, 'discount'>, number]> = [
      ['none', 1],
      ['late_penalty', 0.3],
      ['card_payment', 0.35],
      ['collection_agency', high ? 0.8 : 0.05],
      ['service_termination', 0.05],
    ];
    const total = weights.reduce((s, [, w]) => s + w, 0);
    let u = rng.next() * total;
    let action: Exclude<Action, 'discount'> = 'none';
    for (const [a, w] of weights) {
      if ((u -= w) < 0) {
        action = a;
        break;
      }
    }
    const base = 30 + (high ? 15 : 0) + rng.gaussian(0, 6);
    const effect = SIMULATED_EFFECTS[action];
    decisions.push({
      customerExternalId: `CUS-${i}`,
      invoiceExternalId: `INV-${i}`,
      stage: 'overdue',
      day: START + (i % 300),
      daysOverdue: 20,
      amount: 1000,
      latePenalties: true,
      action,
      loggedPropensity: action === 'none' ? null : weights.find(([a]) => a === action)![1] / total,
      daysToPay: Math.max(0, Math.min(90, base + effect.days)),
      churned: rng.chance(effect.churn),
      paidEarly: false,
      context: { segment, riskBand: high ? 'high' : 'low', payerBand: 'prompt', priorDaysLate: 2, logAmount: 3 },
    });
  }
  return decisions;
}

export interface TrainedIncentives {
  artifact: Artifact;
  predictor: IncentivePredictor;
  customers: IncentiveCustomer[];
}

/** One artifact per test file: a 150-customer, 12-month synthetic world. */
export async function trainOnSmallWorld(seed = 9): Promise<TrainedIncentives> {
  const world = generateWorld({ customers: 150, months: 12, seed });
  const customers = incentiveCustomers(fromMemory(world), world.truth.period.endDate);
  const kind = createIncentiveModel();
  const artifact = await kind.train({ customers });
  return { artifact, predictor: (await kind.load(artifact)) as IncentivePredictor, customers };
}
