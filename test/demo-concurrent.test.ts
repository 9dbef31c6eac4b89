import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { buildTestApp, type TestApp } from './helpers/app.js';
import { capturedLog } from './helpers/log.js';
import { postgresReachable } from './helpers/storage.js';
import { bootstrap, readDemoRecord, StartupProgress } from '../src/demo/bootstrap.js';

// Two API processes started at once on one empty PostgreSQL: the same
// bootstrap twice over one pool behaves as two processes do, each transaction
// on its own connection.
describe.skipIf(!(await postgresReachable()))('when two processes start the demo at once on PostgreSQL', () => {
  let t: TestApp;
  const a = capturedLog();
  const b = capturedLog();

  beforeAll(async () => {
    t = await buildTestApp('postgres', { DEMO_ON_EMPTY: 'true', DEMO_CUSTOMERS: '30', DEMO_MODELS: 'payment-delay,drift' });
    await Promise.all([bootstrap(t.services, a.log, new StartupProgress()), bootstrap(t.services, b.log, new StartupProgress())]);
  }, 300_000);
  afterAll(async () => t.close());

  it('builds it once: one generates and imports, the other waits and then finds it complete', () => {
    const builders = [a, b].filter((l) => l.messages().some((m) => m.startsWith('empty database: generating')));
    const waiters = [a, b].filter((l) => l.messages().includes('another process is building the demo: waiting for it'));
    expect(builders).toHaveLength(1);
    expect(waiters).toHaveLength(1);
    expect(waiters[0].messages()).toContain('database has data: no demo import');
    expect(waiters[0].messages()).not.toContain('the demo start-up was stopped before it finished: resuming it');
  });

  it('leaves one demo world, completed', async () => {
    const [{ n }] = await t.storage.db.query<{ n: number }>('SELECT count(*)::int AS n FROM customers');
    expect(n).toBe(30);
    expect((await readDemoRecord(t.storage.db))?.state).toBe('completed');
  });
});
