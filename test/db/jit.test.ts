// The customer-facts query is wide enough that PostgreSQL's JIT compiles it for
// seconds before running it in milliseconds (bench: no gain on the portfolio).
import { describe, it, expect } from 'vitest';
import { backends, openTestStorage } from '../helpers/storage.js';
import { loadCustomerFacts } from '../../src/fields/facts.js';
import * as f from '../agenda/factories.js';

const postgres = (await backends()).includes('postgres');

describe.runIf(postgres)('on a PostgreSQL server with JIT on', () => {
  it('never JIT-compiles the facts of one customer, on any connection of the pool', async () => {
    const storage = await openTestStorage('postgres');
    try {
      const name = new URL(storage.url!).pathname.slice(1);
      await storage.db.query(`ALTER DATABASE ${name} SET jit TO on`);
      const customer = await f.customer(storage.db);
      await loadCustomerFacts(storage.db, [customer]);
      const settings = await Promise.all([1, 2, 3].map(() => storage.db.query<{ jit: string }>("SELECT current_setting('jit') AS jit")));
      expect(settings.flat().map((r) => r.jit)).toEqual(['off', 'off', 'off']);
    } finally {
      await storage.close();
    }
  });
});
