// Reads a synthetic world directory (`<entity>.ndjson` + truth.json) into
// per-customer drift histories and the drift truth.
import fs from 'node:fs';
import path from 'node:path';
import type { CustomerHistory, DriftKind } from '../../src/ml/drift/types.js';
import { isDisputeStatus } from '../../src/scoring/histories.js';
import { REACTABLE_CHANNELS, type KnownDrift } from './replay.js';

function* ndjson(file: string): Generator<Record<string, unknown>> {
  if (!fs.existsSync(file)) return;
  const text = fs.readFileSync(file, 'utf8');
  let start = 0;
  while (start < text.length) {
    let end = text.indexOf('\n', start);
    if (end < 0) end = text.length;
    const line = text.slice(start, end).trim();
    if (line) yield JSON.parse(line) as Record<string, unknown>;
    start = end + 1;
  }
}

const str = (v: unknown) => (typeof v === 'string' && v ? v : null);

export interface WorldHistories {
  /** Full histories, asOf = the world's end date. */
  histories: CustomerHistory[];
  drifts: KnownDrift[];
  noisyStable: Set<string>;
  endDate: string;
}

export function loadWorld(dir: string): WorldHistories {
  const truth = JSON.parse(fs.readFileSync(path.join(dir, 'truth.json'), 'utf8')) as {
    period: { endDate: string };
    customers: Record<string, { noisyStable?: boolean }>;
    drifts: Array<{ customerExternalId: string; kind: DriftKind; startDate: string; firstAffectedInvoiceExternalId?: string | null }>;
  };
  const endDate = truth.period.endDate;
  const byId = new Map<string, CustomerHistory>();
  for (const c of ndjson(path.join(dir, 'customers.ndjson'))) {
    const id = c.externalId as string;
    byId.set(id, { customerExternalId: id, segment: str(c.segment), asOf: endDate, invoices: [], payments: [], communications: [] });
  }
  for (const r of ndjson(path.join(dir, 'invoices.ndjson'))) {
    if (r.kind === 'credit_note') continue;
    const h = byId.get(r.customerExternalId as string);
    if (!h) continue;
    const disputed = r.disputed === true;
    h.invoices.push({
      externalId: r.externalId as string,
      issueDate: r.issueDate as string,
      dueDate: r.dueDate as string,
      settledDate: str(r.settledDate),
      amount: Number(r.amount),
      disputed,
      disputedDate: disputed && isDisputeStatus(r.status as string) ? str(r.statusDate) : null,
    });
  }
  for (const r of ndjson(path.join(dir, 'payments.ndjson'))) {
    const h = byId.get(r.customerExternalId as string);
    if (h) h.payments.push({ paymentDate: r.paymentDate as string, amount: Number(r.amount), method: r.method as string });
  }
  for (const r of ndjson(path.join(dir, 'communications.ndjson'))) {
    const h = byId.get(r.customerExternalId as string);
    if (!h) continue;
    h.communications.push({
      channel: str(r.channel),
      sentAt: r.sentAt as string,
      openedAt: str(r.openedAt),
      machineOpen: r.machineOpen === true,
      clickedAt: str(r.clickedAt),
      repliedAt: str(r.repliedAt),
      bouncedAt: str(r.bouncedAt),
    });
  }
  const noisyStable = new Set(
    Object.entries(truth.customers)
      .filter(([, c]) => c.noisyStable)
      .map(([id]) => id),
  );
  const drifts: KnownDrift[] = truth.drifts.map((d) => ({
    customerExternalId: d.customerExternalId,
    kind: d.kind,
    startDate: d.startDate,
    firstAffectedInvoiceExternalId: d.firstAffectedInvoiceExternalId ?? null,
  }));
  return { histories: [...byId.values()], drifts, noisyStable, endDate };
}

/**
 * An engagement drop can only be seen through reminders: it is observable when
 * the customer got enough of them before the drift to have a baseline (6, the
 * default minimum) and at least 3 from its start to the settlement that closes
 * the detection window. Other kinds are always observable once an affected
 * invoice settled.
 */
export function markObservable(world: WorldHistories, windowInvoices: number): void {
  const byId = new Map(world.histories.map((h) => [h.customerExternalId, h]));
  for (const d of world.drifts) {
    if (d.kind !== 'engagement_drop') continue;
    const h = byId.get(d.customerExternalId);
    if (!h) continue;
    const settled = h.invoices
      .filter((i) => i.settledDate)
      .map((i) => ({ id: i.externalId, date: i.settledDate! }))
      .sort((a, b) => (a.date < b.date ? -1 : a.date > b.date ? 1 : 0));
    const first = settled.findIndex((s) => s.id === d.firstAffectedInvoiceExternalId);
    const windowEnd = first < 0 ? '' : settled[Math.min(settled.length - 1, first + windowInvoices)].date;
    let before = 0;
    let during = 0;
    for (const c of h.communications) {
      if (!REACTABLE_CHANNELS.has(c.channel ?? 'email') || c.bouncedAt) continue;
      const day = c.sentAt.slice(0, 10);
      if (day < d.startDate) before++;
      else if (day <= windowEnd) during++;
    }
    d.observable = before >= 6 && during >= 3;
  }
}
