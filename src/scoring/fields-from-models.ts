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

const weighted = (items: InvoiceForecast[], pick: (f: InvoiceForecast) => number) => {
  const total = items.reduce((s, f) => s + f.openAmount, 0);
  return total > 0 ? items.reduce((s, f) => s + f.openAmount * pick(f), 0) / total : null;
};

/** Amount-weighted summaries of a customer's open invoices. */
export function customerDelayFields(customerId: number, open: InvoiceForecast[], version: string): ComputedFieldRow[] {
  if (open.length === 0) return [];
  const biggest = open.reduce((a, b) => (b.openAmount > a.openAmount ? b : a));
  const late = weighted(open, (f) => f.prediction.value.lateProbability)!;
  const lateOver30 = weighted(open, (f) => f.prediction.value.probabilities.lateOver30)!;
  // The mean, as each invoice's expectedPaymentDate is: two fields named "expected" must agree.
  const daysLate = weighted(open, (f) => Math.max(0, f.prediction.value.expectedDaysAfterDue))!;
  const confidence = weighted(open, (f) => f.prediction.confidence);
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
