// Turns model predictions into computed-field rows: per invoice, and the
// customer-level summaries saved searches filter on. Pure.
import type { Prediction, Reason } from '../ml/model.js';
import type { PaymentDelayForecast } from '../ml/payment-delay/index.js';
import type { DriftAssessment, DriftKind } from '../ml/drift/index.js';
import type { SendTimeRecommendation } from '../ml/send-time/index.js';
import type { IncentiveRecommendation } from '../ml/incentives/index.js';
import type { ComputedFieldRow } from './computed-fields.js';

export interface InvoiceForecast {
  invoiceId: number;
  customerId: number;
  openAmount: number;
  /** Unknown on records built without one: they weigh as one currency. */
  currency?: string | null;
  prediction: Prediction<PaymentDelayForecast>;
}

type Entity = ComputedFieldRow['entityType'];
type Value = ComputedFieldRow['value'];

// Every row built by one literal, so all share one shape: spreading a common
// base into each row instead made building them some 30 times slower (a
// nightly rescore builds about 19 per customer).
function row(entityType: Entity, entityId: number, name: string, value: Value, confidence: number | null, reasons: Reason[], modelVersion: string): ComputedFieldRow {
  return { entityType, entityId, name, value, confidence, reasons, modelVersion };
}

export function invoiceFields(f: InvoiceForecast, version: string): ComputedFieldRow[] {
  const p = f.prediction;
  const v = p.value;
  const id = f.invoiceId;
  return [
    row('invoice', id, 'lateProbability', v.lateProbability, p.confidence, p.reasons, version),
    row('invoice', id, 'lateOver30Probability', v.probabilities.lateOver30, p.confidence, [], version),
    row('invoice', id, 'expectedPaymentDate', v.expectedPaymentDate, p.confidence, [], version),
    // ISO 8601 interval: the P10 and P90 payment dates.
    row('invoice', id, 'paymentDateRange', `${v.p10}/${v.p90}`, p.confidence, [], version),
  ];
}

export const INVOICE_FIELD_NAMES = ['lateProbability', 'lateOver30Probability', 'expectedPaymentDate', 'paymentDateRange'];
export const CUSTOMER_DELAY_FIELD_NAMES = ['lateProbability', 'lateOver30Probability', 'expectedDaysLate'];

/**
 * Each invoice's weight: its share of the open amount in its currency, each
 * currency weighing as many invoices as it has. Amounts in two currencies do
 * not add up, so 150,000 JPY must not outweigh 1,000 EUR 150 times; with one
 * currency this is plain amount weighting.
 */
function amountWeights(items: InvoiceForecast[]): number[] {
  const totals = new Map<string | null | undefined, { amount: number; count: number }>();
  for (const f of items) {
    const t = totals.get(f.currency);
    if (t) { t.amount += f.openAmount; t.count += 1; } else totals.set(f.currency, { amount: f.openAmount, count: 1 });
  }
  return items.map((f) => {
    const t = totals.get(f.currency)!;
    return t.amount > 0 ? (f.openAmount / t.amount) * t.count : 0;
  });
}

const weighted = (items: InvoiceForecast[], weights: number[], pick: (f: InvoiceForecast) => number) => {
  const total = weights.reduce((s, w) => s + w, 0);
  return total > 0 ? items.reduce((s, f, i) => s + weights[i] * pick(f), 0) / total : null;
};

/** Amount-weighted summaries of a customer's open invoices. */
export function customerDelayFields(customerId: number, open: InvoiceForecast[], version: string): ComputedFieldRow[] {
  if (open.length === 0) return [];
  const weights = amountWeights(open);
  const biggest = open[weights.reduce((best, w, i) => (w > weights[best] ? i : best), 0)];
  const late = weighted(open, weights, (f) => f.prediction.value.lateProbability)!;
  const lateOver30 = weighted(open, weights, (f) => f.prediction.value.probabilities.lateOver30)!;
  // The mean, as each invoice's expectedPaymentDate is: two fields named "expected" must agree.
  const daysLate = weighted(open, weights, (f) => Math.max(0, f.prediction.value.expectedDaysAfterDue))!;
  const confidence = weighted(open, weights, (f) => f.prediction.confidence);
  const summary: Reason = {
    factor: 'openInvoices',
    text: `${open.length} open invoice${open.length === 1 ? '' : 's'}; amount-weighted late probability ${(late * 100).toFixed(0)} %`,
    value: open.length,
  };
  const reasons = [summary, ...biggest.prediction.reasons];
  return [
    row('customer', customerId, 'lateProbability', late, confidence, reasons, version),
    row('customer', customerId, 'lateOver30Probability', lateOver30, confidence, [], version),
    row('customer', customerId, 'expectedDaysLate', Math.round(daysLate * 10) / 10, confidence, [], version),
  ];
}

export const FIELD_OF_KIND: Record<DriftKind, string> = {
  delay_creep: 'driftDelay',
  method_shift: 'driftMethod',
  engagement_drop: 'driftEngagement',
  dispute_spike: 'driftDispute',
};

const KIND_FIELDS = Object.entries(FIELD_OF_KIND) as [DriftKind, string][];

export function customerDriftFields(customerId: number, p: Prediction<DriftAssessment>, version: string): ComputedFieldRow[] {
  const a = p.value;
  const rows: ComputedFieldRow[] = [
    row('customer', customerId, 'driftScore', a.score, p.confidence, p.reasons, version),
    row('customer', customerId, 'driftAlert', a.alert, p.confidence, p.reasons.filter((r) => r.value === true), version),
  ];
  for (const [kind, name] of KIND_FIELDS) {
    const s = a.signals[kind];
    rows.push(row('customer', customerId, name, s.flag, p.confidence, [{ factor: kind, text: s.text, weight: s.score, value: s.flag }], version));
  }
  return rows;
}

export const CUSTOMER_DRIFT_FIELD_NAMES = ['driftScore', 'driftAlert', ...Object.values(FIELD_OF_KIND)];

export function customerSendTimeFields(customerId: number, p: Prediction<SendTimeRecommendation>, version: string): ComputedFieldRow[] {
  return [row('customer', customerId, 'bestSendHour', p.value.bestHour, p.confidence, p.reasons, version)];
}

export function customerIncentiveFields(customerId: number, p: Prediction<IncentiveRecommendation>, version: string): ComputedFieldRow[] {
  return [row('customer', customerId, 'recommendedLever', p.value.lever, p.confidence, p.reasons, version)];
}
