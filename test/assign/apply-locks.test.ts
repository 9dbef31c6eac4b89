// A run's apply (or undo) and an import that sends the same customers again
// both lock those rows until they commit. Taken in different orders, each
// waited for the other and PostgreSQL cancelled one of them (a deadlock).
import { Readable } from 'node:stream';
import { describe, it, expect } from 'vitest';
import { postgresReachable } from '../helpers/storage.js';
import { lockRace } from '../helpers/lock-race.js';
import { eventually } from '../helpers/eventually.js';
import { importRecords } from '../../src/ingest/load.js';
import { findEntity } from '../../src/ingest/entities.js';
import { parseRecords } from '../../src/ingest/parse.js';
import { createRun, executeRun } from '../../src/assign/runs.js';
import { undoRun } from '../../src/assign/undo.js';
import { ndjson } from '../ingest/factories.js';
import { addRule, seedReferences } from './factories.js';

const customer = (externalId: string, name = `Customer ${externalId}`) => ({ externalId, name, segment: 'standard' });

describe.skipIf(!(await postgresReachable()))('when an import sends customers again while a run applies to them, on PostgreSQL', () => {
  const locks = lockRace();

  const importCustomers = (rows: object[]) =>
    importRecords(locks.db, findEntity('customers')!, parseRecords(Readable.from([ndjson(rows)]), 'ndjson'));
  const apply = async () => executeRun(locks.db, await createRun(locks.db, { trigger: 'api' }));

  /**
   * Customers A < G < B by id, which a rule gives a sales rep, among 300
   * others it leaves alone: the run's update hashes the three and scans the
   * table. The gate holds G; the import (sending `order`, renamed) takes what
   * it can and waits for G; the run (`write`: an apply by default) writes;
   * the gate lets go.
   */
  async function race(order: string[], arrange: () => Promise<void> = async () => undefined, write: () => Promise<unknown> = apply) {
    await seedReferences(locks.db);
    await importCustomers([customer('A'), customer('G'), customer('B')]);
    await locks.db.query(`INSERT INTO customers (external_id, name, segment)
      SELECT 'OTHER-' || g, 'Other ' || g, 'small' FROM generate_series(1, 300) g`);
    await addRule(locks.db, { '==': [{ var: 'segment' }, 'standard'] }, [{ type: 'setInternalActor', actor: 'salesRep', value: 'Rep 1' }]);
    await arrange();
    await locks.db.query('ANALYZE customers');

    await locks.gate.query('BEGIN');
    // NO KEY UPDATE, as the import's upsert: the run's audit rows (a key share on their customer) pass it.
    await locks.gate.query("SELECT 1 FROM customers WHERE external_id = 'G' FOR NO KEY UPDATE");
    const importing = importCustomers(order.map((id) => customer(id, `Customer ${id}, renamed`)));
    await eventually(async () => expect(await locks.waitingForLocks()).toBe(1));
    let written = false;
    const writing = write().finally(() => (written = true));
    // Either the run is done, or it waits for the import (which, before the fix, held one of its rows).
    await eventually(async () => expect(written || (await locks.waitingForLocks()) === 2).toBe(true));
    await locks.gate.query('COMMIT');
    const outcome = (r: PromiseSettledResult<unknown>) => (r.status === 'fulfilled' ? r.value : String(r.reason));
    return (await Promise.allSettled([importing, writing])).map(outcome);
  }

  // G's row rewritten, then A's: a scan of the table meets B, G, A, the reverse of their ids.
  const rewriteGThenA = async () => {
    await locks.db.query("UPDATE customers SET sector = 'retail' WHERE external_id = 'G'");
    await locks.db.query("UPDATE customers SET sector = 'retail' WHERE external_id = 'A'");
  };

  const rows = async () => Object.fromEntries((await locks.db.query<{ external_id: string; name: string; sales_rep: string | null }>(
    "SELECT external_id, name, sales_rep FROM customers WHERE external_id IN ('A', 'G', 'B')",
  )).map((r) => [r.external_id, `${r.name} / ${r.sales_rep}`]));

  it('completes both when the file sends the customers in the reverse of their id order', async () => {
    const [imported, applied] = await race(['B', 'G', 'A']);
    expect(imported).toMatchObject({ updated: 3 });
    expect(applied).toMatchObject({ changes: 3 });
    expect(await rows()).toEqual({ A: 'Customer A, renamed / Rep 1', G: 'Customer G, renamed / Rep 1', B: 'Customer B, renamed / Rep 1' });
  });

  it('completes both when the run meets the later customer first in the table', async () => {
    const [imported, applied] = await race(['A', 'G', 'B'], rewriteGThenA);
    expect(imported).toMatchObject({ updated: 3 });
    expect(applied).toMatchObject({ changes: 3 });
    expect(await rows()).toEqual({ A: 'Customer A, renamed / Rep 1', G: 'Customer G, renamed / Rep 1', B: 'Customer B, renamed / Rep 1' });
  });

  it('completes both when an undo meets the later customer first in the table', async () => {
    let runId = 0;
    const applyThenRewrite = async () => {
      await apply();
      [{ id: runId }] = await locks.db.query<{ id: number }>("SELECT id FROM assignment_runs WHERE kind = 'apply'");
      await rewriteGThenA();
    };
    const [imported, undone] = await race(['A', 'G', 'B'], applyThenRewrite, () => undoRun(locks.db, runId));
    expect(imported).toMatchObject({ updated: 3 });
    expect(undone).toMatchObject({ restored: 3, notRestored: [] });
    expect(await rows()).toEqual({ A: 'Customer A, renamed / null', G: 'Customer G, renamed / null', B: 'Customer B, renamed / null' });
  });
});
