// Customer fields age invoices with current_date; reports and the agenda use the
// UTC day. A database whose default time zone is not UTC must not split them.
import { describe, it, expect } from 'vitest';
import { backends, openTestStorage } from '../helpers/storage.js';
import { openStorage } from '../../src/db/open.js';

const postgres = (await backends()).includes('postgres');

describe.runIf(postgres)('on a PostgreSQL database whose default time zone is not UTC', () => {
  it('reads today as the UTC day in every connection', async () => {
    const storage = await openTestStorage('postgres');
    try {
      const name = new URL(storage.url!).pathname.slice(1);
      await storage.db.query(`ALTER DATABASE ${name} SET timezone TO 'Pacific/Kiritimati'`);
      const reopened = await openStorage({ databaseUrl: storage.url, pgliteDir: 'unused', poolSize: 2 });
      try {
        const [row] = await reopened.db.query<{ zone: string; same: boolean }>(
          "SELECT current_setting('TimeZone') AS zone, current_date = (now() AT TIME ZONE 'UTC')::date AS same",
        );
        expect(row).toEqual({ zone: 'UTC', same: true });
      } finally {
        await reopened.close();
      }
    } finally {
      await storage.close();
    }
  });
});
