// Scoring on request, for the AR platform: invoices it sends (stored or not)
// against the customer's stored history, and one customer's behaviour. Nothing
// is written.
import type { Db } from '../db/sql.js';
import type { Prediction } from '../ml/model.js';
import type { InvoiceRecord, PaymentDelayForecast, PaymentDelayPredictor } from '../ml/payment-delay/index.js';
import type { DriftAssessment, DriftPredictor } from '../ml/drift/index.js';
import { loadSlice } from './histories.js';
import type { ServedModel } from './rescore.js';

export interface InvoiceToScore {
  externalId: string;
  customerExternalId: string;
  issueDate: string;
  dueDate: string;
  amount: number;
  disputed?: boolean;
  promisedDate?: string | null;
  paymentTermsDays?: number;
}

export interface ScoredInvoiceOut {
  externalId: string;
  customerKnown: boolean;
  probabilities: PaymentDelayForecast['probabilities'];
  lateProbability: number;
  expectedPaymentDate: string;
  paymentDate: { p10: string; p50: string; p90: string };
  confidence: number;
  reasons: Prediction<unknown>['reasons'];
  modelVersion: string;
}

async function customerIds(db: Db, externalIds: string[]): Promise<Map<string, number>> {
  const rows = await db.query<{ id: number; external_id: string }>(
    'SELECT id, external_id FROM customers WHERE external_id = ANY($1::text[])',
    [externalIds],
  );
  return new Map(rows.map((r) => [r.external_id, r.id]));
}

export async function scoreInvoices(
  db: Db,
  model: ServedModel<PaymentDelayPredictor>,
  invoices: InvoiceToScore[],
  asOf: string,
): Promise<ScoredInvoiceOut[]> {
  const ids = await customerIds(db, [...new Set(invoices.map((i) => i.customerExternalId))]);
  const history: InvoiceRecord[] = [];
  for (const id of new Set(ids.values())) history.push(...(await loadSlice(db, id, id, asOf)).invoices);
  const given: InvoiceRecord[] = invoices.map((inv) => {
    const id = ids.get(inv.customerExternalId);
    const known = history.find((h) => h.customerId === String(id));
    return {
      invoiceId: `request:${inv.externalId}`,
      // An unknown customer gets a key of its own: the model falls back to the portfolio prior.
      customerId: id !== undefined ? String(id) : `unknown:${inv.customerExternalId}`,
      segment: known?.segment ?? null,
      issueDate: inv.issueDate,
      dueDate: inv.dueDate,
      amount: inv.amount,
      disputed: inv.disputed ?? false,
      settledDate: null,
      promisedDate: inv.promisedDate ?? null,
      externalRiskScore: known?.externalRiskScore ?? null,
      paymentTermsDays: inv.paymentTermsDays ?? known?.paymentTermsDays ?? 30,
    };
  });
  // A stored invoice the platform re-sends is scored as sent, not twice.
  const sent = new Set(invoices.map((i) => i.externalId));
  const pool = [...history.filter((h) => !sent.has(h.invoiceId)), ...given];
  const out: ScoredInvoiceOut[] = new Array(given.length);
  model.predictor.scoreRequests(pool, given.map((invoice) => ({ invoice, asOf })), (r, p) => {
    const v = p.value;
    out[r] = {
      externalId: invoices[r].externalId,
      customerKnown: ids.has(invoices[r].customerExternalId),
      probabilities: v.probabilities,
      lateProbability: v.lateProbability,
      expectedPaymentDate: v.expectedPaymentDate,
      paymentDate: { p10: v.p10, p50: v.p50, p90: v.p90 },
      confidence: p.confidence,
      reasons: p.reasons,
      modelVersion: model.version,
    };
  });
  return out;
}

export async function customerBehaviour(
  db: Db,
  model: ServedModel<DriftPredictor>,
  customerId: number,
  asOf: string,
): Promise<{ assessment: DriftAssessment; confidence: number; reasons: Prediction<unknown>['reasons']; modelVersion: string }> {
  const slice = await loadSlice(db, customerId, customerId, asOf);
  const history = slice.histories.get(customerId)!;
  const p = model.predictor.predict(history);
  return { assessment: p.value, confidence: p.confidence, reasons: p.reasons, modelVersion: model.version };
}
