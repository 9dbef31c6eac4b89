// What the customer-level models (drift, send time, incentives) are given is a
// customer's history, not a feature row: each input is summed up here as the
// few figures a credit manager would look at to see the book change (how late
// it pays, how it pays, whether it answers reminders, what is overdue). Only
// the last six months count, as of the input's asOf: totals over all history
// grow every month a customer stays, and would drift on a steady book.
import type { CustomerHistory } from '../drift/types.js';
import type { DriftDataset } from '../drift/model.js';
import { wholeDayOf as day } from '../drift/dates.js';
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
 * One pass over each list, each date read once: a rescoring sums up every
 * customer it scores for each of three models, and the filters it was written
 * with took about 5 % of a rescoring of the whole book.
 */
export function customerActivity(parts: ActivityParts): Record<string, FeatureValue> {
  const now = parts.asOf ? day(parts.asOf) : Infinity;
  const since = now - TRAILING_DAYS;
  const inWindow = (d: number) => d <= now && d > since;
  const known = (at: string | null | undefined) => !!at && day(at) <= now;

  const daysLate: number[] = [];
  let issued = 0;
  let disputedIssued = 0;
  let overdue = 0;
  let oldestDue = Infinity;
  for (const i of parts.invoices ?? []) {
    const issue = day(i.issueDate);
    if (issue > now) continue;
    if (issue > since) {
      issued++;
      if (i.disputed) disputedIssued++;
    }
    const due = day(i.dueDate);
    const settled = i.settledDate == null ? null : day(i.settledDate);
    if (settled !== null && inWindow(settled)) daysLate.push(settled - due);
    if (!i.disputed && (settled === null || settled > now)) {
      oldestDue = Math.min(oldestDue, due);
      if (due < now) overdue++;
    }
  }

  let paymentsMade = 0;
  const methods: string[] = [];
  for (const p of parts.payments ?? []) {
    if (!inWindow(day(p.paymentDate))) continue;
    paymentsMade++;
    if (p.method) methods.push(p.method);
  }

  let remindersSent = 0;
  let answered = 0;
  for (const c of parts.communications ?? []) {
    if (!inWindow(day(c.sentAt))) continue;
    remindersSent++;
    if (known(c.repliedAt) || known(c.clickedAt) || (known(c.openedAt) && !c.machineOpen)) answered++;
  }

  let offersMade = 0;
  for (const o of parts.offers ?? []) if (inWindow(day(o.offeredAt))) offersMade++;

  return {
    invoicesSettled: daysLate.length,
    medianDaysLate: daysLate.length ? medianOf(daysLate) : null,
    disputedShare: share(disputedIssued, issued),
    // Nothing open reads as a month before due, as the incentives' situation says.
    daysOverdue: Number.isFinite(oldestDue) ? now - oldestDue : -30,
    overdueInvoices: overdue,
    paymentsMade,
    mainPaymentMethod: mostFrequent(methods),
    remindersSent,
    reminderResponseShare: share(answered, remindersSent),
    offersMade,
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
