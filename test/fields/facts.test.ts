// The customer facts saved searches read, against a real database, on both backends.
import { describe, it, expect, beforeAll, afterAll, beforeEach } from 'vitest';
import { backends, openTestStorage, type TestStorage } from '../helpers/storage.js';
import { loadCustomerFacts } from '../../src/fields/facts.js';
import * as f from '../agenda/factories.js';

const daysAgo = (n: number) => new Date(Date.now() - n * 86_400_000).toISOString().slice(0, 10);

for (const backend of await backends()) {
  describe(`customer facts on ${backend}`, () => {
    let s: TestStorage;
    beforeAll(async () => { s = await openTestStorage(backend); });
    afterAll(async () => s.close());
    beforeEach(async () => f.wipe(s.db));

    it('counts a disputed invoice as disputed, not as an unqualified delay, whether or not it has a status', async () => {
      const flagged = await f.customer(s.db);
      await f.invoice(s.db, { customerId: flagged, dueDate: daysAgo(40), amount: 5000, disputed: true });
      const qualified = await f.customer(s.db);
      await f.invoice(s.db, { customerId: qualified, dueDate: daysAgo(40), amount: 5000, status: 'dispute' });
      const plain = await f.customer(s.db);
      await f.invoice(s.db, { customerId: plain, dueDate: daysAgo(40), amount: 5000 });
      const facts = new Map((await loadCustomerFacts(s.db)).map((r) => [r.id, r]));
      for (const id of [flagged, qualified]) {
        expect(facts.get(id)).toMatchObject({ disputedAmount: 5000, overdue30Amount: 5000, unqualifiedOverdue30Amount: 0 });
      }
      expect(facts.get(plain)).toMatchObject({ disputedAmount: 0, unqualifiedOverdue30Amount: 5000 });
    });
  });
}
