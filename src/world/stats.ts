// The figures the brief states for the demo platform, computed from the rows
// (what an AR platform would report) plus drift counts from the truth.
import type { CustomerSlice } from './customer.js';
import { MS_PER_DAY, addMonths, parseDay } from './dates.js';
import type { World } from './generate.js';
import { DRIFT_KINDS, type ResolvedOptions } from './options.js';
import type { CustomerTruth, DriftTruth } from './truth.js';
import type { DriftKind, Entity, InvoiceRow } from './types.js';

export interface WorldStatistics {
  customers: number;
  rows: Partial<Record<Entity, number>>;
  /** Invoiced amount over the last 12 months, USD. */
  turnoverLast12Months: number;
  /** Share of the last 12 months' turnover carried by the top 2 % of customers. */
  top2PercentTurnoverShare: number;
  /** Invoices due by the end date that were (or still are) paid after their due date. */
  lateRate: number;
  /** Same, more than 30 days after the due date. */
  over30Rate: number;
  outstandingAmount: number;
  overdueAmount: number;
  /** Open amount more than 30 days past due at the end date, USD. */
  overdueOver30Amount: number;
  driftCounts: Record<DriftKind, number>;
  noisyStable: number;
  insolvencies: number;
  churned: number;
}

const round2 = (x: number): number => Math.round(x * 100) / 100;

export class StatsAccumulator {
  private readonly endDay: number;
  private readonly yearStart: number;
  private rowCounts: Partial<Record<Entity, number>> = {};
  private customerTurnover: number[] = [];
  private due = 0;
  private late = 0;
  private over30 = 0;
  private outstanding = 0;
  private overdue = 0;
  private overdue30 = 0;
  private drifts: Record<DriftKind, number> = { delay_creep: 0, method_shift: 0, engagement_drop: 0, dispute_spike: 0 };
  private noisy = 0;
  private insolvent = 0;
  private churned = 0;

  constructor(options: Pick<ResolvedOptions, 'endDate'>) {
    this.endDay = parseDay(options.endDate);
    this.yearStart = addMonths(this.endDay, -12) + 1;
  }

  count(entity: Entity, n: number): void {
    this.rowCounts[entity] = (this.rowCounts[entity] ?? 0) + n;
  }

  /** Invoices of one customer (its turnover is tracked for the concentration figure). */
  addInvoices(rows: readonly InvoiceRow[]): void {
    let turnover = 0;
    for (const row of rows) {
      if (row.kind !== 'invoice') continue;
      const issue = Date.parse(row.issueDate) / MS_PER_DAY;
      const dueDay = Date.parse(row.dueDate) / MS_PER_DAY;
      if (issue >= this.yearStart) turnover += row.amount;
      this.outstanding += row.openAmount;
      if (dueDay >= this.endDay) continue;
      const until = row.settledDate ? Date.parse(row.settledDate) / MS_PER_DAY : this.endDay;
      const daysLate = until - dueDay;
      this.due++;
      if (daysLate > 0) this.late++;
      if (daysLate > 30) this.over30++;
      if (row.openAmount > 0) {
        this.overdue += row.openAmount;
        if (this.endDay - dueDay > 30) this.overdue30 += row.openAmount;
      }
    }
    this.customerTurnover.push(turnover);
  }

  addCustomerTruth(customer: CustomerTruth, drift: DriftTruth | null): void {
    if (drift) this.drifts[drift.kind]++;
    if (customer.noisyStable) this.noisy++;
    if (customer.insolvencyDate) this.insolvent++;
    if (customer.churnDate) this.churned++;
  }

  addSlice(slice: CustomerSlice): void {
    for (const entity of Object.keys(slice.rows) as Array<keyof CustomerSlice['rows']>) this.count(entity, slice.rows[entity].length);
    this.addInvoices(slice.rows.invoices);
    this.addCustomerTruth(slice.truth.customer, slice.truth.drift);
  }

  result(): WorldStatistics {
    const sorted = [...this.customerTurnover].sort((a, b) => b - a);
    const total = sorted.reduce((a, b) => a + b, 0);
    const top = sorted.slice(0, Math.max(1, Math.round(sorted.length * 0.02))).reduce((a, b) => a + b, 0);
    for (const kind of DRIFT_KINDS) this.drifts[kind] ??= 0;
    return {
      customers: this.customerTurnover.length,
      rows: { ...this.rowCounts },
      turnoverLast12Months: round2(total),
      top2PercentTurnoverShare: total > 0 ? Math.round((top / total) * 1000) / 1000 : 0,
      lateRate: this.due ? Math.round((this.late / this.due) * 10000) / 10000 : 0,
      over30Rate: this.due ? Math.round((this.over30 / this.due) * 10000) / 10000 : 0,
      outstandingAmount: round2(this.outstanding),
      overdueAmount: round2(this.overdue),
      overdueOver30Amount: round2(this.overdue30),
      driftCounts: { ...this.drifts },
      noisyStable: this.noisy,
      insolvencies: this.insolvent,
      churned: this.churned,
    };
  }
}

/** Statistics of an in-memory world (rows grouped back per customer). */
export function worldStats(world: World): WorldStatistics {
  const acc = new StatsAccumulator(world.options);
  const byCustomer = new Map<string, InvoiceRow[]>();
  for (const c of world.rows.customers) byCustomer.set(c.externalId, []);
  for (const row of world.rows.invoices) byCustomer.get(row.customerExternalId)?.push(row);
  for (const rows of byCustomer.values()) acc.addInvoices(rows);
  for (const [entity, rows] of Object.entries(world.rows) as Array<[Entity, unknown[]]>) {
    if (entity !== 'collectors' && entity !== 'dunning-scenarios' && entity !== 'customer-groups') acc.count(entity, rows.length);
  }
  const drifts = new Map(world.truth.drifts.map((d) => [d.customerExternalId, d]));
  for (const [id, customer] of Object.entries(world.truth.customers)) acc.addCustomerTruth(customer, drifts.get(id) ?? null);
  return acc.result();
}
