// A small portfolio whose report figures are worked out by hand in the tests.
//
// Customer A (segment standard, collector alice)
//   A1 issued 2025-12-01, due 2025-12-31, 1,000; paid in full on 2026-02-10 (allocation 1,000)
//   A2 issued 2026-01-15, due 2026-02-14, 2,000; 500 paid on 2026-03-20 (allocation), 1,500 open
//   A3 issued 2026-03-10, due 2026-04-09, 3,000 open
// Customer B (segment small, collector bob)
//   B1 issued 2025-10-01, due 2025-10-31, 400 open, never qualified
//   B2 issued 2026-01-20, due 2026-02-19, 600 open, status dispute since 2026-03-25
//   B3 issued 2026-02-01, due 2026-03-03, 800, settled 2026-03-15 with no allocation sent
//
// Credit sales by month: 2025-10 400, 2025-12 1,000, 2026-01 2,600 (A2 + B2), 2026-02 800, 2026-03 3,000.
import type { Db } from '../../src/db/sql.js';
import * as f from '../agenda/factories.js';

export async function seedPortfolio(db: Db): Promise<void> {
  const alice = await f.collector(db, 'alice');
  const bob = await f.collector(db, 'bob');
  const a = await f.customer(db, { externalId: 'A', collectorId: alice, segment: 'standard' });
  const b = await f.customer(db, { externalId: 'B', collectorId: bob, segment: 'small' });
  const a1 = await f.invoice(db, { customerId: a, number: 'A1', issueDate: '2025-12-01', dueDate: '2025-12-31', amount: 1000, openAmount: 0, settledDate: '2026-02-10' });
  const a2 = await f.invoice(db, { customerId: a, number: 'A2', issueDate: '2026-01-15', dueDate: '2026-02-14', amount: 2000, openAmount: 1500 });
  await f.invoice(db, { customerId: a, number: 'A3', issueDate: '2026-03-10', dueDate: '2026-04-09', amount: 3000 });
  await f.payment(db, a, '2026-02-10', [{ invoiceId: a1, amount: 1000 }]);
  await f.payment(db, a, '2026-03-20', [{ invoiceId: a2, amount: 500 }]);
  await f.invoice(db, { customerId: b, number: 'B1', issueDate: '2025-10-01', dueDate: '2025-10-31', amount: 400 });
  await f.invoice(db, { customerId: b, number: 'B2', issueDate: '2026-01-20', dueDate: '2026-02-19', amount: 600, status: 'dispute', statusDate: '2026-03-25' });
  await f.invoice(db, { customerId: b, number: 'B3', issueDate: '2026-02-01', dueDate: '2026-03-03', amount: 800, openAmount: 0, settledDate: '2026-03-15' });
}
