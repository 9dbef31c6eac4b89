// What the customer-level models (drift, send time, incentives) are given is a
// customer's history, not a feature row: each input is summed up here as the
// few figures a credit manager would look at to see the book change (how late
// it pays, how it pays, whether it answers reminders, what is overdue). Only
// the last six months count, as of the input's asOf: totals over all history
// grow every month a customer stays, and would drift on a steady book.
import type { CustomerHistory } from '../drift/types.js';
import type { DriftDataset } from '../drift/model.js';
import { dayOf } from '../drift/dates.js';
import { medianOf } from '../drift/stats.js';
import type { SendTimeInput } from '../send-time/types.js';
import type { SendTimeDataset } from '../send-time/model.js';
import type { IncentiveCustomer } from '../incentives/types.js';
import type { IncentiveDataset } from '../incentives/model.js';
import type { FeatureValue } from './histogram.js';
import type { ServingInputs } from './serving-inputs.js';

const TRAILING_DAYS = 182;

interface ActivityParts {
  asOf?: string | null;
  invoices?: ReadonlyArray<{ issueDate: string; dueDate: string; settledDate: string | null; disputed?: boolean | null }>;
  payments?: ReadonlyArray<{ paymentDate: string; method?: string }>;
  communications?: ReadonlyArray<{ sentAt: string; openedAt?: string | null; machineOpen?: boolean | null; clickedAt?: string | null; repliedAt?: string | null }>;
  offers?: ReadonlyArray<{ offeredAt: string }>;
}

const day = (iso: string) => Math.floor(dayOf(iso));
const share = (part: number, whole: number) => (whole > 0 ? part / whole : null);

function mostFrequent(values: readonly string[]): string | null {
  const freq = new Map<string, number>();
  let best: string | null = null;
  for (const v of values) {
    const n = (freq.get(v) ?? 0) + 1;
    freq.set(v, n);
    if (best === null || n > freq.get(best)! || (n === freq.get(best) && v < best)) best = v;
  }
  return best;
}

/**
 * The customer's last six months as of its asOf; every event after it is
 * unknown then. Open invoices (undisputed: no lever is pulled on a contested
 * debt) are counted as overdueSituations counts them for the incentives.
 */
export function customerActivity(parts: ActivityParts): Record<string, FeatureValue> {
  const now = parts.asOf ? day(parts.asOf) : Infinity;
  const inWindow = (iso: string) => { const d = day(iso); return d <= now && d > now - TRAILING_DAYS; };
  const invoices = (parts.invoices ?? []).filter((i) => day(i.issueDate) <= now);
  const settled = invoices.filter((i) => i.settledDate !== null && inWindow(i.settledDate));
  const issued = invoices.filter((i) => inWindow(i.issueDate));
  const open = invoices.filter((i) => !i.disputed && (i.settledDate === null || day(i.settledDate) > now));
  const overdue = open.filter((i) => day(i.dueDate) < now);
  const oldestDue = open.reduce((m, i) => Math.min(m, day(i.dueDate)), Infinity);
  const payments = (parts.payments ?? []).filter((p) => inWindow(p.paymentDate));
  const reminders = (parts.communications ?? []).filter((c) => inWindow(c.sentAt));
  const known = (at: string | null | undefined) => !!at && day(at) <= now;
  const answered = reminders.filter((c) => known(c.repliedAt) || known(c.clickedAt) || (known(c.openedAt) && !c.machineOpen));
  return {
    invoicesSettled: settled.length,
    medianDaysLate: settled.length ? medianOf(settled.map((i) => day(i.settledDate!) - day(i.dueDate))) : null,
    disputedShare: share(issued.filter((i) => i.disputed).length, issued.length),
    // Nothing open reads as a month before due, as the incentives' situation says.
    daysOverdue: Number.isFinite(oldestDue) ? now - oldestDue : -30,
    overdueInvoices: overdue.length,
    paymentsMade: payments.length,
    mainPaymentMethod: mostFrequent(payments.flatMap((p) => (p.method ? [p.method] : []))),
    remindersSent: reminders.length,
    reminderResponseShare: share(answered.length, reminders.length),
    offersMade: (parts.offers ?? []).filter((o) => inWindow(o.offeredAt)).length,
  };
}

type Facts<I> = (input: I) => Record<string, FeatureValue>;

/** A model's serving inputs from the figures it reads, on a holdout whose inputs are re-dated by `inputsOn`. */
function servingInputs<D, I>(columns: readonly string[], facts: Facts<I>, days: Pick<ServingInputs<D, I>, 'lastDay' | 'inputsOn'>): ServingInputs<D, I> {
  return { columns, row: (input) => { const f = facts(input); return columns.map((c) => f[c] ?? null); }, ...days };
}

const latestIssue = (invoiceLists: Iterable<ReadonlyArray<{ issueDate: string }> | undefined>): string | null => {
  let last: string | null = null;
  for (const list of invoiceLists) for (const i of list ?? []) if (last === null || i.issueDate > last) last = i.issueDate;
  return last;
};

/** Drift reads how a customer pays, disputes and answers reminders. */
export const driftServingInputs = servingInputs<DriftDataset, CustomerHistory>(
  ['segment', 'invoicesSettled', 'medianDaysLate', 'disputedShare', 'paymentsMade', 'mainPaymentMethod', 'remindersSent', 'reminderResponseShare'],
  (h) => ({ segment: h.segment ?? null, ...customerActivity(h) }),
  {
    lastDay: (data) => latestIssue(data.examples.map((e) => e.history.invoices)),
    inputsOn: (data, asOf) => data.examples.map((e) => ({ ...e.history, asOf })),
  },
);

/** Send time reads where the customer is and how it answers reminders. */
export const sendTimeServingInputs = servingInputs<SendTimeDataset, SendTimeInput>(
  ['segment', 'timezone', 'remindersSent', 'reminderResponseShare', 'paymentsMade'],
  (c) => ({ segment: c.segment ?? null, timezone: c.timezone ?? null, ...customerActivity(c) }),
  {
    // The holdout's customers stop at the training cutoff; the log runs on to the data's end.
    lastDay: (data) => data.logEnd ?? null,
    inputsOn: (data, asOf) => data.customers.map((c) => ({ ...c, asOf })),
  },
);

/** Incentives read the contract, the risk, how the customer pays, and what is overdue. */
export const incentiveServingInputs = servingInputs<IncentiveDataset, IncentiveCustomer>(
  ['segment', 'riskScore', 'paymentMethod', 'latePenalties', 'invoicesSettled', 'medianDaysLate', 'disputedShare', 'daysOverdue', 'overdueInvoices', 'offersMade'],
  (c) => ({
    ...customerActivity(c), segment: c.segment ?? null, riskScore: c.riskScore ?? null, paymentMethod: c.paymentMethod ?? null,
    latePenalties: c.latePenalties == null ? null : String(c.latePenalties),
  }),
  {
    lastDay: (data) => data.customers[0]?.asOf ?? latestIssue(data.customers.map((c) => c.invoices)),
    inputsOn: (data, asOf) => data.customers.map((c) => ({ ...c, asOf })),
  },
);
