// A portfolio in three currencies whose consolidated figures (in USD) are worked
// out by hand in consolidated.test.ts.
//
// Rates (one unit of the first currency is worth the rate of the second, from the day on):
//   EUR→USD 1.10 from 2025-12-01, 1.20 from 2026-02-20, 1.05 from 2026-03-25
//   USD→GBP 0.80 from 2026-01-01, 0.625 from 2026-03-31: quoted the other way round,
//           so 1 GBP is worth 1.25 USD, then 1.60 USD
//   EUR→GBP 0.85 from 2025-12-01: no side in USD, never used
//
// Customer U (USD)  U1 issued 2026-01-05, due 2026-02-04, 1,200 open
// Customer E (EUR)  E1 issued 2026-01-10, due 2026-02-09, 2,000; 500 paid 2026-03-05, 1,500 open
//                   E3 issued 2026-03-10, due 2026-04-09, 1,000, paid in full 2026-03-20
// Customer G (GBP)  G1 issued 2026-02-15, due 2026-03-17, 800 open
//
// Receivables in USD, each date at its own rates:
//   2026-01-31  U1 1,200 + E1 2,000 × 1.10 = 2,200                          = 3,400 (all current)
//   2026-02-28  U1 1,200 (24 days) + E1 2,000 × 1.20 = 2,400 (19 days)
//               + G1 800 × 1.25 = 1,000 (current)                          = 4,600
//   2026-03-31  U1 1,200 (55 days) + E1 1,500 × 1.05 = 1,575 (50 days)
//               + G1 800 × 1.60 = 1,280 (14 days)                          = 4,055
// Credit sales in USD, each at its issue date's rate:
//   2026-01  U1 1,200 + E1 2,000 × 1.10 = 3,400
//   2026-02  G1 800 × 1.25 = 1,000
//   2026-03  E3 1,000 × 1.20 = 1,200 (the rate of 03-10, not 1.05 of the month end)
import type { Db } from '../../src/db/sql.js';
import * as f from '../agenda/factories.js';

export async function seedConsolidatedPortfolio(db: Db): Promise<void> {
  await f.exchangeRate(db, 'EUR', 'USD', '2025-12-01', 1.1);
  await f.exchangeRate(db, 'EUR', 'USD', '2026-02-20', 1.2);
  await f.exchangeRate(db, 'EUR', 'USD', '2026-03-25', 1.05);
  await f.exchangeRate(db, 'USD', 'GBP', '2026-01-01', 0.8);
  await f.exchangeRate(db, 'USD', 'GBP', '2026-03-31', 0.625);
  await f.exchangeRate(db, 'EUR', 'GBP', '2025-12-01', 0.85);

  const u = await f.customer(db, { externalId: 'U', currency: 'USD' });
  const e = await f.customer(db, { externalId: 'E', currency: 'EUR' });
  const g = await f.customer(db, { externalId: 'G', currency: 'GBP' });
  await f.invoice(db, { customerId: u, number: 'U1', issueDate: '2026-01-05', dueDate: '2026-02-04', amount: 1200 });
  const e1 = await f.invoice(db, { customerId: e, number: 'E1', issueDate: '2026-01-10', dueDate: '2026-02-09', amount: 2000, openAmount: 1500, currency: 'EUR' });
  const e3 = await f.invoice(db, {
    customerId: e, number: 'E3', issueDate: '2026-03-10', dueDate: '2026-04-09', amount: 1000, openAmount: 0, settledDate: '2026-03-20', currency: 'EUR',
  });
  await f.payment(db, e, '2026-03-05', [{ invoiceId: e1, amount: 500 }]);
  await f.payment(db, e, '2026-03-20', [{ invoiceId: e3, amount: 1000 }]);
  await f.invoice(db, { customerId: g, number: 'G1', issueDate: '2026-02-15', dueDate: '2026-03-17', amount: 800, currency: 'GBP' });
}
