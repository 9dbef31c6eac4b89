// Invoices and payments allocated beyond their amount. Imports refuse to make
// one (src/ingest/checks.ts: overAllocated, underAllocated), but rows stored
// before they did, or by any other path, stay so: an invoice's open balance
// reads negative and every aging figure with it. This lists them, with the
// allocations to lower or move, so the platform can send those again.
import { Type, type Static } from 'typebox';
import type { Db } from '../db/sql.js';
import { keysetPage } from '../db/keyset.js';

export type AllocatedKind = 'invoices' | 'payments';

/** One side of an allocation and the other: an invoice's allocations name their payments, a payment's their invoices. */
const SIDES = {
  invoices: { own: 'invoice_id', other: 'payments', otherId: 'payment_id', otherKey: 'paymentExternalId' },
  payments: { own: 'payment_id', other: 'invoices', otherId: 'invoice_id', otherKey: 'invoiceExternalId' },
} as const;

/** Allocations listed per invoice or payment: enough to see which to move, not a whole ledger. */
export const ALLOCATIONS_SHOWN = 100;

const Allocation = (otherKey: string) => Type.Object({
  externalId: Type.String(),
  [otherKey]: Type.String(),
  amount: Type.Number(),
});

const OverAllocated = (otherKey: string) => Type.Object({
  externalId: Type.String(),
  customerExternalId: Type.String(),
  currency: Type.String(),
  amount: Type.Number(),
  allocated: Type.Number({ description: 'the sum of its allocations' }),
  excess: Type.Number({ description: 'allocated less amount' }),
  allocationCount: Type.Integer(),
  allocations: Type.Array(Allocation(otherKey), { description: `its allocations, largest first, at most ${ALLOCATIONS_SHOWN}` }),
});

export const OverAllocatedInvoice = OverAllocated(SIDES.invoices.otherKey);
export const OverAllocatedPayment = OverAllocated(SIDES.payments.otherKey);
type Item = Static<typeof OverAllocatedInvoice> | Static<typeof OverAllocatedPayment>;

// Summed once per invoice or payment with any allocation: one aggregate over
// payment_allocations, whichever page is asked for.
function overSql(kind: AllocatedKind): string {
  const { own } = SIDES[kind];
  return `SELECT t.id, t.external_id, t.customer_id, t.currency, t.amount, s.allocated, s.n
  FROM (SELECT ${own} AS id, sum(amount) AS allocated, count(*) AS n FROM payment_allocations GROUP BY ${own}) s
  JOIN ${kind} t ON t.id = s.id
  WHERE s.allocated > t.amount`;
}

function pageSql(kind: AllocatedKind): string {
  const { own, other, otherId, otherKey } = SIDES[kind];
  return `SELECT o.id, o.external_id AS "externalId", c.external_id AS "customerExternalId", o.currency,
    o.amount::float8 AS amount, o.allocated::float8 AS allocated, (o.allocated - o.amount)::float8 AS excess,
    o.n::int AS "allocationCount",
    (SELECT COALESCE(jsonb_agg(jsonb_build_object('externalId', a.external_id, '${otherKey}', a.other, 'amount', a.amount::float8) ORDER BY a.amount DESC, a.external_id), '[]'::jsonb)
       FROM (SELECT pa.external_id, x.external_id AS other, pa.amount
             FROM payment_allocations pa JOIN ${other} x ON x.id = pa.${otherId}
             WHERE pa.${own} = o.id ORDER BY pa.amount DESC, pa.external_id LIMIT ${ALLOCATIONS_SHOWN}) a) AS allocations
  FROM (${overSql(kind)}) o JOIN customers c ON c.id = o.customer_id
  WHERE o.id > $1 ORDER BY o.id LIMIT $2`;
}

export interface OverAllocatedQuery {
  limit: number;
  after?: number;
}

/** A page of the invoices or payments allocated beyond their amount, in import order, and how many there are in all. */
export async function listOverAllocated(db: Db, kind: AllocatedKind, q: OverAllocatedQuery) {
  const [rows, [total]] = await Promise.all([
    db.query<Item & { id: number }>(pageSql(kind), [q.after ?? 0, q.limit + 1]),
    db.query<{ count: number }>(`SELECT count(*)::int AS count FROM (${overSql(kind)}) o`),
  ]);
  const { page, nextCursor } = keysetPage(rows, q.limit);
  return { count: total.count, items: page.map(({ id: _id, ...item }) => item), nextCursor };
}
