// Time zones stored before imports named them as Intl does are renamed at the
// start, on both backends: a database with old-form rows ends with one name a zone.
import { describe, it, expect } from 'vitest';
import { backends, openTestStorage } from '../helpers/storage.js';
import { buildTestApp } from '../helpers/app.js';
import { zoneRenames } from '../../src/ingest/stored-zones.js';

describe('when stored zones are named otherwise than Intl names them', () => {
  it('renames each to its Intl name and leaves a zone Intl does not know', () => {
    expect(zoneRenames(['europe/paris', 'US/Eastern', 'utc', 'Europe/Paris', 'Mars/Olympus'])).toEqual({
      renames: [['europe/paris', 'Europe/Paris'], ['US/Eastern', 'America/New_York'], ['utc', 'UTC']],
      unknown: ['Mars/Olympus'],
    });
  });
});

for (const backend of await backends()) {
  describe(`stored time zones at the start on ${backend}`, () => {
    it('ends with the canonical names, unknown and empty zones as they were', async () => {
      const storage = await openTestStorage(backend);
      const zones = { C1: 'europe/paris', C2: 'US/Eastern', C3: 'Europe/Paris', C4: 'utc', C5: 'Mars/Olympus', C6: null };
      for (const [externalId, zone] of Object.entries(zones)) {
        await storage.db.query(`INSERT INTO customers (external_id, name, country, segment, timezone) VALUES ($1, $1, 'FR', 'standard', $2)`, [externalId, zone]);
      }
      const t = await buildTestApp(backend, {}, storage);
      try {
        const rows = await storage.db.query<{ external_id: string; timezone: string | null }>('SELECT external_id, timezone FROM customers ORDER BY external_id');
        expect(Object.fromEntries(rows.map((r) => [r.external_id, r.timezone]))).toEqual({
          C1: 'Europe/Paris', C2: 'America/New_York', C3: 'Europe/Paris', C4: 'UTC', C5: 'Mars/Olympus', C6: null,
        });
      } finally {
        await t.close();
      }
    });
  });
}
