// How soon a collector should open this email: points for what it asks, how
// it is said, what is at stake for this customer and how long it has waited.
// Additive points (0..100) so every reason can say how much it weighed.
import type { Reason } from '../model.js';
import type { CustomerContext, InboundType, SentimentLabel } from './types.js';

export type PriorityLevel = 'low' | 'normal' | 'high' | 'urgent';

export interface PriorityInput {
  type: InboundType;
  secondaryTypes: readonly InboundType[];
  sentiment: { label: SentimentLabel; score: number };
  legalThreat: boolean;
  customer?: CustomerContext | null;
  /** Hours since the email arrived; unknown = 0. */
  ageHours?: number;
}

export interface Priority {
  score: number;
  level: PriorityLevel;
  reasons: Reason[];
}

export interface PriorityConfig {
  /** Points for the request type: a dispute blocks cash, an unsubscribe does not. */
  typePoints: Record<InboundType, number>;
  secondaryDisputePoints: number;
  legalThreatPoints: number;
  /** Points at sentiment score −1 (scaled linearly). */
  negativeSentimentPoints: number;
  /** Points at 1,000,000 overdue (log scale: every ×10 adds the same). */
  overduePoints: number;
  openPoints: number;
  riskPoints: number;
  driftPoints: number;
  /** Points per day waiting, up to `maxAgePoints`. */
  agePointsPerDay: number;
  maxAgePoints: number;
  levels: { normal: number; high: number; urgent: number };
}

export const DEFAULT_PRIORITY_CONFIG: PriorityConfig = {
  typePoints: {
    dispute: 30,
    payment_plan: 22,
    promise_to_pay: 14,
    payment_link: 14,
    po_number: 12,
    invoice_copy: 12,
    payment_confirmation: 10,
    contact_update: 8,
    unsubscribe: 4,
    other: 2,
  },
  secondaryDisputePoints: 10,
  legalThreatPoints: 25,
  negativeSentimentPoints: 12,
  overduePoints: 20,
  openPoints: 6,
  riskPoints: 15,
  driftPoints: 10,
  agePointsPerDay: 2.5,
  maxAgePoints: 10,
  levels: { normal: 25, high: 50, urgent: 70 },
};

const TYPE_WORDS: Record<InboundType, string> = {
  dispute: 'disputes an invoice',
  payment_plan: 'asks for a payment plan',
  promise_to_pay: 'promises to pay',
  payment_link: 'asks how to pay',
  po_number: 'needs a PO number to pay',
  invoice_copy: 'asks for an invoice copy',
  payment_confirmation: 'says it has paid',
  contact_update: 'changes its contact',
  unsubscribe: 'asks to unsubscribe',
  other: 'is not a collections request',
};

const round1 = (x: number) => Math.round(x * 10) / 10;
const money = (x: number) => Math.round(x).toLocaleString('en-US');

/** Points growing by a constant step per ×10 of the amount, full at 1,000,000. */
function logPoints(amount: number, full: number): number {
  if (!(amount > 0)) return 0;
  return Math.min(full, (full * Math.log10(1 + amount / 100)) / 4);
}

export function scorePriority(input: PriorityInput, config: PriorityConfig = DEFAULT_PRIORITY_CONFIG): Priority {
  const reasons: Reason[] = [];
  const add = (factor: string, points: number, text: string, value: Reason['value']) => {
    if (points !== 0) reasons.push({ factor, text, weight: round1(points), value });
  };

  add('requestType', config.typePoints[input.type], `the customer ${TYPE_WORDS[input.type]}`, input.type);
  if (input.type !== 'dispute' && input.secondaryTypes.includes('dispute')) {
    add('secondaryDispute', config.secondaryDisputePoints, 'the email also disputes an invoice', true);
  }
  if (input.legalThreat) add('legalThreat', config.legalThreatPoints, 'the customer threatens legal action', true);
  if (input.sentiment.label === 'negative') {
    const points = config.negativeSentimentPoints * Math.min(1, Math.max(0.3, -input.sentiment.score));
    add('negativeSentiment', points, `the tone is negative (sentiment ${input.sentiment.score.toFixed(2)})`, round1(input.sentiment.score));
  }

  const c = input.customer;
  if (c) {
    add('overdueAmount', logPoints(c.overdueAmount, config.overduePoints), `${money(c.overdueAmount)} overdue`, c.overdueAmount);
    const notYetDue = Math.max(0, c.openAmount - c.overdueAmount);
    add('openAmount', logPoints(notYetDue, config.openPoints), `${money(notYetDue)} open and not yet due`, notYetDue);
    // Said on the provider's 0..100 scale, as the customer resource and the agenda say it. An unknown score
    // weighs nothing: a made-up middle score would rank the email on a risk nobody measured.
    if (c.riskScore !== null) {
      const score = Math.round(c.riskScore * 100);
      add('riskScore', config.riskPoints * clamp01(c.riskScore), `risk score ${score} of 100`, score);
    }
    add('driftScore', config.driftPoints * clamp01(c.driftScore), `payment behaviour drifting (drift ${c.driftScore.toFixed(2)})`, c.driftScore);
  }

  const ageHours = Math.max(0, input.ageHours ?? 0);
  const agePoints = Math.min(config.maxAgePoints, (ageHours / 24) * config.agePointsPerDay);
  add('age', agePoints, `waiting for ${ageHours < 48 ? `${Math.round(ageHours)} hours` : `${Math.round(ageHours / 24)} days`}`, round1(ageHours));

  const total = reasons.reduce((s, r) => s + (r.weight ?? 0), 0);
  const score = Math.round(Math.min(100, Math.max(0, total)) * 10) / 10;
  const level: PriorityLevel =
    score >= config.levels.urgent || (input.legalThreat && input.type === 'dispute')
      ? 'urgent'
      : score >= config.levels.high
        ? 'high'
        : score >= config.levels.normal
          ? 'normal'
          : 'low';
  reasons.sort((a, b) => (b.weight ?? 0) - (a.weight ?? 0));
  if (!c) reasons.push({ factor: 'customerContext', text: 'no customer balance or risk known: scored on the email alone', value: null });
  return { score, level, reasons };
}

function clamp01(x: number): number {
  return Number.isFinite(x) ? Math.min(1, Math.max(0, x)) : 0;
}
