// PGlite answers in this thread: a chain of queries must still let the event
// loop serve an HTTP answer or a health check now and then.
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { openTestStorage, type TestStorage } from '../helpers/storage.js';

describe('queries on the embedded PGlite', () => {
  let storage: TestStorage;
  beforeAll(async () => {
    storage = await openTestStorage('pglite');
  });
  afterAll(async () => storage.close());

  it('give the event loop a turn during a long chain of queries', async () => {
    let finished = false;
    const chain = (async () => {
      const until = performance.now() + 400;
      while (performance.now() < until) await storage.db.query('SELECT count(*) FROM generate_series(1, 2000)');
      finished = true;
    })();
    const sawChainRunning = await new Promise<boolean>((resolve) => setTimeout(() => resolve(!finished), 0));
    await chain;
    expect(sawChainRunning).toBe(true);
  });

  it('give it a turn between queries sent together, not only before the first', async () => {
    const one = () => storage.db.query('SELECT count(*) FROM generate_series(1, 100000)');
    const started = performance.now();
    await one();
    // At least five: under load the first query is slow, and two sent together left the timer nothing to run between.
    const queries = Math.max(5, Math.ceil(600 / Math.max(1, performance.now() - started)));
    let done = 0;
    const together = Promise.all(Array.from({ length: queries }, () => one().then(() => done++)));
    while (done === 0) await new Promise((resolve) => setImmediate(resolve));
    const doneWhenTimerRan = await new Promise<number>((resolve) => setTimeout(() => resolve(done), 0));
    await together;
    expect(doneWhenTimerRan).toBeLessThan(queries);
  });
});
