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

export function invoiceFields(f: InvoiceForecast, version: string): ComputedFieldRow[] {
  const p = f.prediction;
  const base = { entityType: 'invoice' as const, entityId: f.invoiceId, confidence: p.confidence, modelVersion: version };
  const v = p.value;
  return [
    { ...base, name: 'lateProbability', value: v.lateProbability, reasons: p.reasons },
    { ...base, name: 'lateOver30Probability', value: v.probabilities.lateOver30, reasons: [] },
    { ...base, name: 'expectedPaymentDate', value: v.expectedPaymentDate, reasons: [] },
    // ISO 8601 interval: the P10 and P90 payment dates.
    { ...base, name: 'paymentDateRange', value: `${v.p10}/${v.p90}`, reasons: [] },
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
  const daysLate = weighted(open, (f) => Math.max(0, f.prediction.value.distribution.daysAfterDue[5]))!;
  const confidence = weighted(open, (f) => f.prediction.confidence);
  const summary: Reason = {
    factor: 'openInvoices',
    text: `${open.length} open invoice${open.length === 1 ? '' : 's'}; amount-weighted late probability ${(late * 100).toFixed(0)} %`,
    value: open.length,
  };
  const reasons = [summary, ...biggest.prediction.reasons];
  const base = { entityType: 'customer' as const, entityId: customerId, confidence, modelVersion: version };
  return [
    { ...base, name: 'lateProbability', value: late, reasons },
    { ...base, name: 'lateOver30Probability', value: lateOver30, reasons: [] },
    { ...base, name: 'expectedDaysLate', value: Math.round(daysLate * 10) / 10, reasons: [] },
  ];
}

export const FIELD_OF_KIND: Record<DriftKind, string> = {
  delay_creep: 'driftDelay',
  method_shift: 'driftMethod',
  engagement_drop: 'driftEngagement',
  dispute_spike: 'driftDispute',
};

export function customerDriftFields(customerId: number, p: Prediction<DriftAssessment>, version: string): ComputedFieldRow[] {
  const a = p.value;
  const base = { entityType: 'customer' as const, entityId: customerId, confidence: p.confidence, modelVersion: version };
  const rows: ComputedFieldRow[] = [
    { ...base, name: 'driftScore', value: a.score, reasons: p.reasons },
    { ...base, name: 'driftAlert', value: a.alert, reasons: p.reasons.filter((r) => r.value === true) },
  ];
  for (const [kind, name] of Object.entries(FIELD_OF_KIND) as [DriftKind, string][]) {
    const s = a.signals[kind];
    rows.push({ ...base, name, value: s.flag, reasons: [{ factor: kind, text: s.text, weight: s.score, value: s.flag }] });
  }
  return rows;
}

export const CUSTOMER_DRIFT_FIELD_NAMES = ['driftScore', 'driftAlert', ...Object.values(FIELD_OF_KIND)];

export function customerSendTimeFields(customerId: number, p: Prediction<SendTimeRecommendation>, version: string): ComputedFieldRow[] {
  return [{ entityType: 'customer', entityId: customerId, name: 'bestSendHour', value: p.value.bestHour, confidence: p.confidence, reasons: p.reasons, modelVersion: version }];
}

export function customerIncentiveFields(customerId: number, p: Prediction<IncentiveRecommendation>, version: string): ComputedFieldRow[] {
  return [{ entityType: 'customer', entityId: customerId, name: 'recommendedLever', value: p.value.lever, confidence: p.confidence, reasons: p.reasons, modelVersion: version }];
}
