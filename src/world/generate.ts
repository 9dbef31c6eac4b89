// The world: the platform's static set-up, then customers one at a time (a
// generator, so 100,000 customers can be streamed to disk without holding
// them), and the truth header that explains the hidden mechanics.
import { simulateCustomer, type CustomerSlice } from './customer.js';
import { formatDay } from './dates.js';
import { SEND_TIME_EFFECT } from './engagement.js';
import { SEND_POLICY } from './dunning.js';
import { INCENTIVE_EFFECTS, INCENTIVE_POLICY } from './incentives.js';
import { defaultEmailSource, type EmailSource } from './inbound/source.js';
import { resolveOptions, type ResolvedOptions, type WorldOptions } from './options.js';
import { COLLECTORS, CUSTOMER_GROUPS, DUNNING_SCENARIOS } from './platform.js';
import { periodOf } from './traits.js';
import type { Truth } from './truth.js';
import { ENTITIES, type Rows } from './types.js';

export interface World {
  options: ResolvedOptions;
  rows: Rows;
  truth: Truth;
}

export type TruthHeader = Pick<Truth, 'generator' | 'options' | 'period' | 'models'>;

export function staticRows(): Pick<Rows, 'collectors' | 'dunning-scenarios' | 'customer-groups'> {
  return {
    collectors: COLLECTORS.map((c) => ({ ...c })),
    'dunning-scenarios': DUNNING_SCENARIOS.map((s) => ({ ...s, steps: s.steps.map((step) => ({ ...step })) })),
    'customer-groups': CUSTOMER_GROUPS.map((g) => ({ ...g })),
  };
}

export function truthHeader(options: ResolvedOptions, emailSource: EmailSource): TruthHeader {
  const period = periodOf(options);
  return {
    generator: {
      name: 'ar-world',
      version: 1,
      synthetic: true,
      note: 'Synthetic accounts-receivable world. Every row is generated; this file is the ground truth behind it.',
    },
    options: { ...options, emailSource: emailSource.kind },
    period: { startDate: formatDay(period.startDay), endDate: formatDay(period.endDay) },
    models: {
      sendTime: { effect: SEND_TIME_EFFECT, policy: SEND_POLICY },
      incentives: { effects: INCENTIVE_EFFECTS, policy: INCENTIVE_POLICY },
      delay: {
        formula:
          'daysLate = delayLocationDays (post-drift value after a delay_creep start) + seasonality.amplitudeDays * cos(2*pi*(dueMonth - peakMonth)/12) + delayScaleDays * N(0,1) (heavyTails: 0.6 * delayScaleDays * t(3)); disputed: max(that, 0) + disputeDelayDays * U(0.6,1.4); direct debit: 0 unless a failed debit (5-14 days); monthly pay runs pay at the latest run on or before that date; weekends move to Monday; insolvency adds up to 20 days over the last 120 days',
      },
      inbound: { emailSource: emailSource.kind },
    },
  };
}

/** Customers one at a time, in index order. */
export function* simulateCustomers(options: ResolvedOptions, emailSource: EmailSource): Generator<CustomerSlice> {
  const period = periodOf(options);
  for (let index = 0; index < options.customers; index++) yield simulateCustomer(options, period, index, emailSource);
}

export function generateWorld(input: WorldOptions = {}): World {
  const options = resolveOptions(input);
  const emailSource = input.emailSource ?? defaultEmailSource();
  const rows = { ...staticRows() } as Rows;
  for (const entity of ENTITIES) rows[entity] ??= [] as never;
  const header = truthHeader(options, emailSource);
  const truth: Truth = {
    ...header,
    customers: {},
    drifts: [],
    openInvoices: {},
    promises: {},
    messages: {},
    offers: {},
    discounts: [],
  };
  for (const slice of simulateCustomers(options, emailSource)) {
    for (const entity of Object.keys(slice.rows) as Array<keyof CustomerSlice['rows']>) {
      (rows[entity] as unknown[]).push(...slice.rows[entity]);
    }
    addTruth(truth, slice);
  }
  return { options, rows, truth };
}

function addTruth(truth: Truth, slice: CustomerSlice): void {
  const t = slice.truth;
  const id = slice.rows.customers[0].externalId;
  truth.customers[id] = t.customer;
  if (t.drift) truth.drifts.push(t.drift);
  Object.assign(truth.openInvoices, t.openInvoices);
  Object.assign(truth.promises, t.promises);
  Object.assign(truth.messages, t.messages);
  Object.assign(truth.offers, t.offers);
  truth.discounts.push(...t.discounts);
}
