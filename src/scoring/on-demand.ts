// Scoring on request, for the AR platform: invoices it sends (stored or not)
// against the customer's stored history, and one customer's behaviour. Nothing
// is written.
import type { Db } from '../db/sql.js';
import type { Prediction } from '../ml/model.js';
import type { InvoiceRecord, PaymentDelayForecast, PaymentDelayPredictor } from '../ml/payment-delay/index.js';
import type { DriftAssessment, DriftPredictor } from '../ml/drift/index.js';
import { loadInvoiceRecords, loadSlice } from './histories.js';
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

interface KnownCustomer {
  id: number;
  segment: string | null;
  riskScore: number | null;
  paymentTermsDays: number;
}

/** The customers named, as stored: a customer with no invoice yet still has its segment, risk and terms. */
async function knownCustomers(db: Db, externalIds: string[]): Promise<Map<string, KnownCustomer>> {
  const rows = await db.query<KnownCustomer & { externalId: string }>(
    `SELECT id, external_id AS "externalId", segment, risk_score AS "riskScore", payment_terms_days AS "paymentTermsDays"
     FROM customers WHERE external_id = ANY($1::text[])`,
    [externalIds],
  );
  return new Map(rows.map(({ externalId, ...c }) => [externalId, c]));
}

/** Database ids of the stored invoices the request re-sends (the same customer's invoice of that externalId). */
async function resentIds(db: Db, invoices: InvoiceToScore[]): Promise<Set<string>> {
  const rows = await db.query<{ id: number }>(
    `SELECT i.id FROM invoices i JOIN customers c ON c.id = i.customer_id
     JOIN unnest($1::text[], $2::text[]) AS r(customer, invoice) ON r.customer = c.external_id AND r.invoice = i.external_id`,
    [invoices.map((i) => i.customerExternalId), invoices.map((i) => i.externalId)],
  );
  return new Set(rows.map((r) => String(r.id)));
}

export async function scoreInvoices(
  db: Db,
  model: ServedModel<PaymentDelayPredictor>,
  invoices: InvoiceToScore[],
  asOf: string,
): Promise<ScoredInvoiceOut[]> {
  const known = await knownCustomers(db, [...new Set(invoices.map((i) => i.customerExternalId))]);
  // Invoices alone: the payments, reminders and offers a slice also loads play no part here.
  const ids = [...known.values()].map((c) => c.id);
  const history = ids.length > 0 ? (await loadInvoiceRecords(db, { ids })).invoices : [];
  const given: InvoiceRecord[] = invoices.map((inv) => {
    const customer = known.get(inv.customerExternalId);
    return {
      invoiceId: `request:${inv.externalId}`,
      // An unknown customer gets a key of its own: the model falls back to the portfolio prior.
      customerId: customer ? String(customer.id) : `unknown:${inv.customerExternalId}`,
      segment: customer?.segment ?? null,
      issueDate: inv.issueDate,
      dueDate: inv.dueDate,
      amount: inv.amount,
      disputed: inv.disputed ?? false,
      settledDate: null,
      promisedDate: inv.promisedDate ?? null,
      externalRiskScore: customer?.riskScore ?? null,
      paymentTermsDays: inv.paymentTermsDays ?? customer?.paymentTermsDays ?? 30,
    };
  });
  // A stored invoice the platform re-sends is scored as sent, not twice (nor in its own history).
  const resent = await resentIds(db, invoices);
  const pool = [...history.filter((h) => !resent.has(h.invoiceId)), ...given];
  const out: ScoredInvoiceOut[] = new Array(given.length);
  // Never before an invoice's issue date: the route lets one issued a day ahead (east of UTC) through.
  const requests = given.map((invoice) => ({ invoice, asOf: invoice.issueDate > asOf ? invoice.issueDate : asOf }));
  model.predictor.scoreRequests(pool, requests, (r, p) => {
    const v = p.value;
    out[r] = {
      externalId: invoices[r].externalId,
      customerKnown: known.has(invoices[r].customerExternalId),
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
