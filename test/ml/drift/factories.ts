// A small simulator of customer histories with known change points (ground
// truth) for the drift tests. Synthetic, seeded, and says so: every customer
// carries the drift it was built with (or none).
import type { CustomerHistory, DriftKind, HistoryCommunication, HistoryInvoice, HistoryPayment } from '../../../src/ml/drift/types.js';
import { Random } from '../../../src/world/rng.js';

export function rng(seed: number): () => number {
  const random = new Random(seed, 'drift-test');
  return () => random.next();
}

const DAY = 86_400_000;
export const date = (day: number) => new Date(day * DAY).toISOString().slice(0, 10);
const stamp = (day: number, hour: number) => new Date(day * DAY + hour * 3_600_000).toISOString();
const START = Date.UTC(2024, 0, 5) / DAY;

export interface CustomerSpec {
  seed?: number;
  invoices?: number;
  intervalDays?: number;
  termsDays?: number;
  /** Days late: median and half-width of the uniform noise. */
  daysLate?: number;
  daysLateNoise?: number;
  /** Occasional big delays (probability per invoice, days added). */
  outlierRate?: number;
  method?: string;
  /** Probability a payment uses `otherMethod` instead. */
  otherMethodRate?: number;
  otherMethod?: string;
  amount?: number;
  amountNoise?: number;
  replyRate?: number;
  openRate?: number;
  clickRate?: number;
  /** Share of opens fetched by a privacy proxy (machineOpen). */
  machineOpenRate?: number;
  /** From this invoice on, the mailbox sits behind a privacy proxy: every email is machine-opened. */
  proxyFromInvoice?: number;
  disputeRate?: number;
  segment?: string;
  drift?: { kind: DriftKind; atInvoice: number; delayShiftDays?: number };
  /** Forced days late for given invoice indexes. */
  forcedDaysLate?: Record<number, number>;
}

export interface SimulatedCustomer {
  history: CustomerHistory;
  /** Index of the first invoice built with the drifted behaviour, or null for a stable customer. */
  firstAffectedInvoice: number | null;
  drift: DriftKind | null;
}

/** A regular customer: 7-10 days late, cheque, answers reminders, disputes about once a quarter. */
export function simulateCustomer(spec: CustomerSpec = {}): SimulatedCustomer {
  const s = {
    seed: 1, invoices: 18, intervalDays: 30, termsDays: 30, daysLate: 8.5, daysLateNoise: 1.5, outlierRate: 0,
    method: 'cheque', otherMethodRate: 0, otherMethod: 'transfer', amount: 5000, amountNoise: 0.2,
    replyRate: 0.9, openRate: 0.9, clickRate: 0.5, machineOpenRate: 0, disputeRate: 0.08,
    ...spec,
  };
  const r = rng(s.seed);
  const invoices: HistoryInvoice[] = [];
  const payments: HistoryPayment[] = [];
  const communications: HistoryCommunication[] = [];
  const at = s.drift?.atInvoice ?? Infinity;
  let lastDay = START;
  for (let i = 0; i < s.invoices; i++) {
    const drifted = i >= at;
    const issue = START + i * s.intervalDays;
    const due = issue + s.termsDays;
    let late = Math.round(s.daysLate + (r() * 2 - 1) * s.daysLateNoise);
    if (r() < s.outlierRate) late += 15 + Math.round(r() * 25);
    if (drifted && s.drift?.kind === 'delay_creep') late += s.drift.delayShiftDays ?? 7;
    if (s.forcedDaysLate?.[i] !== undefined) late = s.forcedDaysLate[i];
    const settled = due + late;
    const amount = Math.round(s.amount * Math.exp((r() * 2 - 1) * s.amountNoise) * 100) / 100;
    const disputed = drifted && s.drift?.kind === 'dispute_spike' ? r() < 0.95 : r() < s.disputeRate;
    invoices.push({ externalId: `inv-${i}`, issueDate: date(issue), dueDate: date(due), settledDate: date(settled), amount, disputed });

    if (drifted && s.drift?.kind === 'method_shift') {
      // Smaller card payments: the invoice paid in three instalments.
      for (let k = 0; k < 3; k++) {
        const day = settled - 20 + k * 10;
        payments.push({ externalId: `pay-${i}-${k}`, paymentDate: date(day), amount: Math.round((amount / 3) * 100) / 100, method: 'card' });
      }
    } else {
      const method = r() < s.otherMethodRate ? s.otherMethod : s.method;
      payments.push({ externalId: `pay-${i}`, paymentDate: date(settled), amount, method });
    }

    // One reminder a few days before the due date.
    const sent = due - 3;
    const quiet = drifted && s.drift?.kind === 'engagement_drop';
    const opened = r() < (quiet ? 0.03 : s.openRate);
    const machine = r() < s.machineOpenRate || i >= (s.proxyFromInvoice ?? Infinity);
    const replied = r() < (quiet ? 0.02 : s.replyRate);
    const clicked = opened && r() < (quiet ? 0.02 : s.clickRate);
    communications.push({
      externalId: `com-${i}`,
      channel: 'email',
      sentAt: stamp(sent, 9),
      // A privacy proxy opens every email it receives, read or not.
      openedAt: machine || opened ? stamp(sent, 10) : null,
      machineOpen: machine,
      clickedAt: clicked && !machine ? stamp(sent, 11) : null,
      repliedAt: replied ? stamp(sent + 1, 14) : null,
    });
    lastDay = Math.max(lastDay, settled);
  }
  return {
    history: {
      customerExternalId: `c-${s.seed}`,
      segment: s.segment ?? null,
      asOf: date(lastDay),
      invoices,
      payments,
      communications,
    },
    firstAffectedInvoice: s.drift ? s.drift.atInvoice : null,
    drift: s.drift?.kind ?? null,
  };
}

/** A customer with wide but stable behaviour: the hard negatives of drift detection. */
export function noisyStableCustomer(seed: number, spec: CustomerSpec = {}): SimulatedCustomer {
  return simulateCustomer({
    seed,
    daysLate: 12,
    daysLateNoise: 10,
    outlierRate: 0.05,
    otherMethodRate: 0.35,
    amountNoise: 0.6,
    replyRate: 0.5,
    openRate: 0.6,
    clickRate: 0.3,
    machineOpenRate: 0.2,
    disputeRate: 0.06,
    ...spec,
  });
}

/** The history as known on the day invoice `index` was settled. */
export function asOfInvoice(c: SimulatedCustomer, index: number): CustomerHistory {
  return { ...c.history, asOf: c.history.invoices[index].settledDate! };
}
