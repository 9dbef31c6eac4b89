// Training data read from the database, for the models the service retrains on
// its own history. Holdouts are chronological: the most recent settled
// invoices, so a challenger is judged on the period it will serve.
import crypto from 'node:crypto';
import type { Db } from '../db/sql.js';
import type { InvoiceRecord, PaymentDelayDataset } from '../ml/payment-delay/index.js';
import type { DriftDataset, CustomerHistory } from '../ml/drift/index.js';
import type { TrainingWindow } from '../ml/model.js';
import type { SendTimeDataset } from '../ml/send-time/index.js';
import type { IncentiveDataset } from '../ml/incentives/index.js';
import { DEFAULT_INCENTIVE_CONFIG } from '../ml/incentives/config.js';
import { loadSlice, customerRanges, sliceCustomers, type PortfolioSlice } from './histories.js';
import { appendAll } from '../util/collections.js';
import { addDays } from '../ml/payment-delay/dates.js';
import { sendTimeInput, incentiveCustomer } from './behaviour-inputs.js';

export interface LoadedDataset<D> {
  train: D;
  holdout: D;
  /** sha256 of what the model learnt from, so a version says which data made it. */
  fingerprint: string;
  window: TrainingWindow;
}

async function allSlices(db: Db, asOf: string) {
  const invoices: InvoiceRecord[] = [];
  const histories: CustomerHistory[] = [];
  const slices: PortfolioSlice[] = [];
  for (const [lo, hi] of await customerRanges(db, sliceCustomers(db, 10_000))) {
    const slice = await loadSlice(db, lo, hi, asOf);
    appendAll(invoices, slice.invoices);
    appendAll(histories, slice.histories.values());
    slices.push(slice);
  }
  return { invoices, histories, slices };
}

function fingerprintOf(lines: Iterable<string>): string {
  const hash = crypto.createHash('sha256');
  for (const l of lines) hash.update(l + '\n');
  return hash.digest('hex');
}

export async function paymentDelayDataset(
  db: Db,
  asOf: string,
  window: TrainingWindow = { from: null, to: null },
  holdoutDays = 90,
): Promise<LoadedDataset<PaymentDelayDataset>> {
  const { invoices } = await allSlices(db, asOf);
  const to = window.to ?? asOf;
  const holdoutFrom = addDays(to, -holdoutDays);
  const settled = invoices.filter((i) => i.settledDate !== null && i.settledDate < to && (!window.from || i.issueDate >= window.from));
  const asTarget = (invoice: InvoiceRecord) => ({ invoice, asOf: invoice.issueDate });
  const train = settled.filter((i) => i.issueDate < holdoutFrom).map(asTarget);
  const holdout = settled.filter((i) => i.issueDate >= holdoutFrom).map(asTarget);
  return {
    train: { invoices, targets: train },
    holdout: { invoices, targets: holdout },
    fingerprint: fingerprintOf(train.map((t) => `${t.invoice.invoiceId}:${t.invoice.settledDate}`)),
    window: { from: window.from, to: holdoutFrom },
  };
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length === 0 ? NaN : s.length % 2 ? s[(s.length - 1) >> 1] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
const daysLate = (i: { dueDate: string; settledDate: string | null }) => (Date.parse(i.settledDate!) - Date.parse(i.dueDate)) / 86_400_000;

/**
 * The service's own data has no drift labels, so the holdout asks what a
 * collector would: assessed as of `asOf − horizon`, does the score rank first
 * the customers who then paid materially later (median ≥ 5 days later than
 * before, on at least 2 invoices)? The model trains on the same cut-off view.
 */
export async function driftDataset(db: Db, asOf: string, horizonDays = 90): Promise<LoadedDataset<DriftDataset>> {
  const { histories } = await allSlices(db, asOf);
  const cutoff = addDays(asOf, -horizonDays);
  const examples = histories.map((full) => {
    const before = full.invoices.filter((i) => i.settledDate !== null && i.settledDate <= cutoff).map(daysLate);
    const after = full.invoices.filter((i) => i.settledDate !== null && i.settledDate > cutoff).map(daysLate);
    const outcome = before.length >= 3 && after.length >= 2 && median(after) >= Math.max(0, median(before)) + 5;
    return { history: { ...full, asOf: cutoff }, outcome };
  });
  return {
    train: { examples: examples.map(({ history }) => ({ history })) },
    holdout: { examples },
    fingerprint: fingerprintOf(histories.map((h) => `${h.customerExternalId}:${h.invoices.length}:${h.payments.length}:${h.communications.length}`)),
    window: { from: null, to: cutoff },
  };
}

/**
 * Send time: learnt from the reminders sent up to `asOf − horizon`, judged on
 * how the customers answered the reminders sent after it (off-policy uplift).
 */
export async function sendTimeDataset(db: Db, asOf: string, horizonDays = 90): Promise<LoadedDataset<SendTimeDataset>> {
  const { slices } = await allSlices(db, asOf);
  const cutoff = addDays(asOf, -horizonDays);
  const customers = slices.flatMap((slice) => slice.customers.map((c) => sendTimeInput(slice, c, cutoff)));
  return {
    train: { customers },
    holdout: { customers, logEnd: asOf },
    fingerprint: fingerprintOf(customers.map((c) => `${c.customerExternalId}:${c.communications.length}`)),
    window: { from: null, to: cutoff },
  };
}

/**
 * Incentives: effects learnt from the decisions whose outcome was known by
 * `asOf − horizon` (with their propensities), the policy valued off-policy on
 * the next decisions, whose outcome is known by `asOf`. A decision's outcome
 * takes `outcomeCapDays` to be known, so the holdout's decisions start where
 * training's stop, not at the cutoff: from the cutoff on, none is known yet.
 */
export async function incentiveDataset(db: Db, asOf: string, horizonDays = 90): Promise<LoadedDataset<IncentiveDataset>> {
  const { slices } = await allSlices(db, asOf);
  const cutoff = addDays(asOf, -horizonDays);
  const at = (day: string) => slices.flatMap((slice) => slice.customers.map((c) => incentiveCustomer(slice, c, day)));
  const train = at(cutoff);
  return {
    train: { customers: train },
    holdout: { customers: at(asOf), evaluateFrom: addDays(cutoff, 1 - DEFAULT_INCENTIVE_CONFIG.outcomeCapDays) },
    fingerprint: fingerprintOf(train.map((c) => `${c.customerExternalId}:${c.offers?.length ?? 0}:${c.invoices?.length ?? 0}`)),
    window: { from: null, to: cutoff },
  };
}
