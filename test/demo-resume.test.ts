import fs from 'node:fs';
import path from 'node:path';
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { buildTestApp, auth, type TestApp } from './helpers/app.js';
import { capturedLog } from './helpers/log.js';
import { bootstrap, holdReadiness, readDemoRecord, StartupProgress } from '../src/demo/bootstrap.js';
import { DEMO_RULES, installDemoStrategy } from '../src/demo/strategy.js';

/** Stops the start-up where the reviewer pressed Ctrl-C: just after the invoices were imported. */
class StoppedAfterInvoices extends StartupProgress {
  override stage(what: string): void {
    super.stage(what);
    if (what === 'imported invoices') throw new Error('stopped by Ctrl-C');
  }
}

const COUNTS = `SELECT (SELECT count(*)::int FROM customers) AS customers, (SELECT count(*)::int FROM invoices) AS invoices,
  (SELECT count(*)::int FROM payments) AS payments, (SELECT count(*)::int FROM saved_searches) AS searches,
  (SELECT count(*)::int FROM assignment_rules) AS rules, (SELECT count(*)::int FROM model_versions WHERE status = 'active') AS models`;

interface Counts { customers: number; invoices: number; payments: number; searches: number; rules: number; models: number }

const lines = (file: string) => fs.readFileSync(file, 'utf8').split('\n').filter(Boolean).length;

describe('when the first start was stopped just after importing the invoices', () => {
  let t: TestApp;
  let stopped: Counts;
  let readyAfterStop: { statusCode: number; detail: string };
  const first = capturedLog();
  const second = capturedLog();

  beforeAll(async () => {
    // Two models keep it quick; the resume logic is the same for five.
    t = await buildTestApp('pglite', { DEMO_ON_EMPTY: 'true', DEMO_CUSTOMERS: '40', DEMO_MODELS: 'payment-delay,drift' });
    const interrupted = new StoppedAfterInvoices();
    t.services.readiness.startup = interrupted.probe;
    await expect(bootstrap(t.services, first.log, interrupted)).rejects.toThrow('stopped by Ctrl-C');
    [stopped] = await t.storage.db.query<Counts>(COUNTS);
    const res = await t.app.inject({ url: '/health/ready' });
    readyAfterStop = { statusCode: res.statusCode, detail: res.json().checks.startup.detail };
    // The next start is asked for another size: the interrupted demo must still finish with its own world.
    t.services.config.demoCustomers = 80;
    await bootstrap(t.services, second.log, holdReadiness(t.services));
  }, 300_000);
  afterAll(async () => t.close());

  it('had customers and invoices but no payments, models or rules when stopped', () => {
    expect(stopped).toMatchObject({ customers: 40, payments: 0, searches: 0, rules: 0, models: 0 });
    expect(stopped.invoices).toBeGreaterThan(0);
  });

  it('said the start-up failed and would resume, while stopped', () => {
    expect(readyAfterStop).toEqual({ statusCode: 503, detail: 'demo start-up failed: stopped by Ctrl-C; the next start resumes it' });
  });

  it('resumes it on the next start instead of calling the database a real one', () => {
    expect(second.messages()).not.toContain('database has data: no demo import');
    expect(second.messages()).toContain('the demo start-up was stopped before it finished: resuming it');
    expect(second.messages().at(-1)).toMatch(/^demo ready: 40 customers, 2 models served, 7 assignment rules/);
  });

  it('finishes it with the world it started: every row once, payments included', async () => {
    const [now] = await t.storage.db.query<Counts>(COUNTS);
    const world = path.join(t.services.config.dataDir, 'demo-world');
    expect(now).toMatchObject({
      customers: 40,
      invoices: lines(path.join(world, 'invoices.ndjson')),
      payments: lines(path.join(world, 'payments.ndjson')),
      searches: 7,
      rules: 7,
      models: 2,
    });
    expect(now.invoices).toBe(stopped.invoices);
  });

  it('serves the models it trained', async () => {
    const res = await t.app.inject({ url: '/v1/models', headers: auth('analyst') });
    const active = res.json().items.filter((m: { active: string | null }) => m.active !== null).map((m: { name: string }) => m.name);
    expect(active.sort()).toEqual(['drift', 'payment-delay']);
    expect(t.services.models.server.versionOf('payment-delay')).toMatch(/^payment-delay@/);
  });

  it('records it completed, so the start after leaves everything alone', async () => {
    expect(await readDemoRecord(t.storage.db)).toMatchObject({ state: 'completed', customers: 40 });
    const [before] = await t.storage.db.query<Counts>(COUNTS);
    const third = capturedLog();
    await bootstrap(t.services, third.log);
    expect(third.messages()).toEqual(['database has data: no demo import']);
    expect((await t.storage.db.query<Counts>(COUNTS))[0]).toEqual(before);
  });

  it('installs the strategy once however often it is asked, finishing a half-saved one', async () => {
    const ids = await installDemoStrategy(t.storage.db);
    expect(await installDemoStrategy(t.storage.db)).toEqual(ids);
    // Stopped between saving a search and its rule: the search is reused, the rule saved.
    await t.storage.db.query('DELETE FROM assignment_rules WHERE name = $1', [DEMO_RULES[3].name]);
    const again = await installDemoStrategy(t.storage.db);
    expect(again.filter((id, i) => id !== ids[i])).toHaveLength(1);
    const [counts] = await t.storage.db.query<Counts>(COUNTS);
    expect(counts).toMatchObject({ searches: 7, rules: 7 });
  });
});

describe('when the database has data that never was a demo', () => {
  let t: TestApp;
  const log = capturedLog();
  let ready: number;

  beforeAll(async () => {
    t = await buildTestApp('pglite', { DEMO_ON_EMPTY: 'true', DEMO_CUSTOMERS: '40', DEMO_MODELS: 'payment-delay' });
    await t.storage.db.query("INSERT INTO customers (external_id, name) VALUES ('REAL-1', 'A real customer')");
    const startup = holdReadiness(t.services);
    await bootstrap(t.services, log.log, startup);
    ready = (await t.app.inject({ url: '/health/ready' })).statusCode;
  }, 120_000);
  afterAll(async () => t.close());

  it('imports, trains and installs nothing, and is ready', async () => {
    expect(log.messages()).toEqual(['database has data: no demo import']);
    const [counts] = await t.storage.db.query<Counts>(COUNTS);
    expect(counts).toEqual({ customers: 1, invoices: 0, payments: 0, searches: 0, rules: 0, models: 0 });
    expect(await readDemoRecord(t.storage.db)).toBeNull();
    expect(ready).toBe(200);
  });
});

describe('when the database holds imported rows but no customers', () => {
  let t: TestApp;
  const log = capturedLog();

  beforeAll(async () => {
    t = await buildTestApp('pglite', { DEMO_ON_EMPTY: 'true', DEMO_CUSTOMERS: '40', DEMO_MODELS: 'payment-delay' });
    // Collectors and scenarios come first in an import; the customers may not be in yet.
    await t.storage.db.query("INSERT INTO collectors (external_id, name) VALUES ('COL-REAL', 'A real collector')");
    await t.storage.db.query(`INSERT INTO dunning_scenarios (external_id, name, steps) VALUES ('DS-REAL', 'Real', '[]'::jsonb)`);
    await bootstrap(t.services, log.log, holdReadiness(t.services));
  }, 120_000);
  afterAll(async () => t.close());

  it('takes it for a real database, not an empty one, and imports nothing over it', async () => {
    expect(log.messages()).toEqual(['database has data: no demo import']);
    const [counts] = await t.storage.db.query<Counts>(COUNTS);
    expect(counts).toEqual({ customers: 0, invoices: 0, payments: 0, searches: 0, rules: 0, models: 0 });
    const [{ n }] = await t.storage.db.query<{ n: number }>('SELECT count(*)::int AS n FROM collectors');
    expect(n).toBe(1);
    expect(await readDemoRecord(t.storage.db)).toBeNull();
  });
});
