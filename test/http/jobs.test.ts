// Behind a load balancer, a poll of an import's job reaches any API instance,
// not only the one that received the upload and runs the import.
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { backends } from '../helpers/storage.js';
import { buildTestApp, auth, type TestApp } from '../helpers/app.js';
import { Jobs } from '../../src/jobs/jobs.js';

describe.each(await backends())('job status through another instance on %s', (backend) => {
  let t: TestApp;
  /** The instance that received the upload: its own runners, the same database. */
  let other: Jobs;
  beforeAll(async () => {
    t = await buildTestApp(backend);
    other = new Jobs({ redisUrl: null, work: true, db: t.storage.db });
  });
  afterAll(async () => {
    await other.close();
    await t.close();
  });

  const poll = async (id: string, until: (body: { state?: string }) => boolean) => {
    for (const deadline = Date.now() + 10_000; ; await new Promise((r) => setTimeout(r, 10))) {
      const res = await t.app.inject({ url: `/v1/jobs/${id}`, headers: auth('platform') });
      if (until(res.json()) || Date.now() > deadline) return res;
    }
  };

  it('answers for an import another instance ran, as that instance does', async () => {
    other.registerLocal('import', async (ctx) => {
      await ctx.progress(0.5, '2 rows read');
      return { entity: 'customers', rows: 2, inserted: 2, updated: 0, unchanged: 0, refreshJobId: null };
    });
    const id = await other.enqueueLocal('import', {});
    const done = await other.waitFor(id);
    const res = await poll(id, (body) => body.state === 'completed');
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual(done);
  });
});
