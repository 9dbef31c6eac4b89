// Every import that changes data gets a refresh that reads it: one already
// running when the data lands does not count, one started after it does.
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { backends, openTestStorage, type TestStorage } from '../helpers/storage.js';
import { buildTestApp, auth, type TestApp } from '../helpers/app.js';
import { databaseNow, recordCompletedRefresh, refreshCovering } from '../../src/pipeline/refresh-requests.js';
import { ndjson, customer, invoice } from '../ingest/factories.js';

describe.each(await backends())('refresh requests on %s', (backend) => {
  describe('whether a refresh answers a request', () => {
    let storage: TestStorage;
    beforeAll(async () => {
      storage = await openTestStorage(backend);
    });
    afterAll(async () => storage.close());
    // PGlite's clock counts milliseconds: within one, a request is not known to precede a start, and is refreshed again.
    const tick = () => new Promise((resolve) => setTimeout(resolve, 3));

    it('is answered by a refresh that started after it and completed, not by one that started before or never completed', async () => {
      const earlier = await databaseNow(storage.db);
      await tick();
      const asked = await databaseNow(storage.db);
      await recordCompletedRefresh(storage.db, earlier);
      expect(await refreshCovering(storage.db, asked)).toBeNull();
      await tick();
      // This one starts after the request, then fails: nothing is recorded, the request still needs a refresh.
      await databaseNow(storage.db);
      expect(await refreshCovering(storage.db, asked)).toBeNull();
      await tick();
      const started = await databaseNow(storage.db);
      await recordCompletedRefresh(storage.db, started);
      expect(await refreshCovering(storage.db, asked)).toBe(started);
      // A slower refresh that started earlier and completes last does not move the mark back.
      await recordCompletedRefresh(storage.db, earlier);
      expect(await refreshCovering(storage.db, asked)).toBe(started);
    });
  });

  describe('after imports', () => {
    let t: TestApp;
    const post = (entity: string, rows: object[]) => t.app.inject({
      method: 'POST', url: `/v1/import/${entity}`, headers: { ...auth('platform'), 'content-type': 'application/x-ndjson' }, payload: ndjson(rows),
    });
    const refreshOf = async (res: Awaited<ReturnType<typeof post>>) => {
      expect(res.statusCode).toBe(200);
      const id = res.json().refreshJobId as string;
      return { id, job: await t.services.jobs.waitFor(id) };
    };
    beforeAll(async () => {
      t = await buildTestApp(backend);
      await post('customers', [customer(1), customer(2)]);
    });
    afterAll(async () => t.close());

    it('runs a refresh for each import after the last one completed', async () => {
      const first = await refreshOf(await post('invoices', [invoice(1, 1)]));
      expect(first.job).toMatchObject({ state: 'completed', result: { scoring: expect.any(Object) } });
      const second = await refreshOf(await post('invoices', [invoice(2, 2)]));
      expect(second.job).toMatchObject({ state: 'completed', result: { scoring: expect.any(Object) } });
      const third = await refreshOf(await post('invoices', [invoice(3, 2)]));
      expect(third.job).toMatchObject({ state: 'completed', result: { scoring: expect.any(Object) } });
    });

    it('sets off none for reference data or a file that changes nothing', async () => {
      const collectors = await post('collectors', [{ externalId: 'col-9', name: 'Nina' }]);
      expect(collectors.json()).toMatchObject({ inserted: 1, refreshJobId: null });
      const same = await post('invoices', [invoice(1, 1)]);
      expect(same.json()).toMatchObject({ unchanged: 1, refreshJobId: null });
    });
  });
});
