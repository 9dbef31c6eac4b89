// Every import that changes data gets a refresh that reads it: one already
// running when the data lands does not count, one started after it does.
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { backends, openTestStorage, type TestStorage } from '../helpers/storage.js';
import { buildTestApp, auth, type TestApp } from '../helpers/app.js';
import { claimRefresh, refreshRequestTime } from '../../src/pipeline/refresh-requests.js';
import { ndjson, customer, invoice } from '../ingest/factories.js';

describe.each(await backends())('refresh requests on %s', (backend) => {
  describe('claiming a refresh', () => {
    let storage: TestStorage;
    beforeAll(async () => {
      storage = await openTestStorage(backend);
    });
    afterAll(async () => storage.close());

    it('starts one asked for after the last start, and lets one started since cover an earlier request', async () => {
      expect(await claimRefresh(storage.db, null)).toEqual({ started: true });
      const asked = await refreshRequestTime(storage.db);
      expect(await claimRefresh(storage.db, asked)).toEqual({ started: true });
      const askedBefore = await refreshRequestTime(storage.db);
      // PGlite's clock counts milliseconds: within one, a request is not known to precede a start, and is refreshed again.
      await new Promise((resolve) => setTimeout(resolve, 3));
      await claimRefresh(storage.db, null);
      const covered = await claimRefresh(storage.db, askedBefore);
      expect(covered).toMatchObject({ started: false });
      expect(Date.parse((covered as { coveredBy: string }).coveredBy)).toBeGreaterThanOrEqual(Date.parse(askedBefore));
      expect(await claimRefresh(storage.db, await refreshRequestTime(storage.db))).toEqual({ started: true });
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

    it('runs a refresh for data that lands while another refresh is running, and for each import after one finished', async () => {
      const first = await refreshOf(await post('invoices', [invoice(1, 1)]));
      expect(first.job).toMatchObject({ state: 'completed', result: { scoring: expect.any(Object) } });
      // A refresh starting now, on this machine or another, has not read what lands next.
      await claimRefresh(t.storage.db, null);
      const second = await refreshOf(await post('invoices', [invoice(2, 2)]));
      expect(second.id).not.toBe(first.id);
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
