// A person locks a field on a customer while a run is applying: the run read
// its plan before the lock and writes after it. The lock wins: the run stops
// with nothing written, and the next run holds the locked field back.
import { describe, it, expect } from 'vitest';
import { postgresReachable } from '../helpers/storage.js';
import { lockRace } from '../helpers/lock-race.js';
import { eventually } from '../helpers/eventually.js';
import { createRun, executeRun } from '../../src/assign/runs.js';
import { setLocks } from '../../src/assign/locks.js';
import { addCustomer, addRule, seedReferences } from './factories.js';

describe.skipIf(!(await postgresReachable()))('when a person locks a field while a run applies to it, on PostgreSQL', () => {
  const locks = lockRace();

  const salesReps = async () => Object.fromEntries((await locks.db.query<{ external_id: string; sales_rep: string | null }>(
    "SELECT external_id, sales_rep FROM customers WHERE external_id IN ('A', 'B') ORDER BY external_id",
  )).map((r) => [r.external_id, r.sales_rep]));

  it('stops the run with nothing written, and the next run leaves the locked field alone', async () => {
    await seedReferences(locks.db);
    await addCustomer(locks.db, 'A', { segment: 'key' });
    await addCustomer(locks.db, 'B', { segment: 'key' });
    await addRule(locks.db, { '==': [{ var: 'segment' }, 'key'] }, [{ type: 'setInternalActor', actor: 'salesRep', value: 'Rep 1' }]);

    // The gate holds A: the run plans (reading no lock on B), then waits for A before writing.
    await locks.gate.query('BEGIN');
    await locks.gate.query("SELECT 1 FROM customers WHERE external_id = 'A' FOR NO KEY UPDATE");
    const applying = executeRun(locks.db, await createRun(locks.db, { trigger: 'api' }));
    await eventually(async () => expect(await locks.waitingForLocks()).toBe(1));
    await setLocks(locks.db, 'B', ['salesRep'], [], { actor: 'collector@COL-01#test', reason: 'agreed with the client' });
    await locks.gate.query('COMMIT');

    await expect(applying).rejects.toMatchObject({ code: 'AR_ERR_CONFLICT' });
    expect(await salesReps()).toEqual({ A: null, B: null });

    const again = await executeRun(locks.db, await createRun(locks.db, { trigger: 'api' }));
    expect(again).toMatchObject({ changes: 1 });
    expect(await salesReps()).toEqual({ A: 'Rep 1', B: null });
  });

  it('stops a run joining a group a person locked meanwhile, and the next run joins the others only', async () => {
    await seedReferences(locks.db);
    const a = await addCustomer(locks.db, 'A', { segment: 'key' });
    const b = await addCustomer(locks.db, 'B', { segment: 'key' });
    await addRule(locks.db, { '==': [{ var: 'segment' }, 'key'] }, [{ type: 'addToGroup', group: 'vip' }]);
    const members = async () => (await locks.db.query<{ customer_id: number }>(
      "SELECT customer_id FROM group_members gm JOIN customer_groups g ON g.id = gm.group_id WHERE g.external_id = 'vip' ORDER BY customer_id",
    )).map((r) => r.customer_id);

    await locks.gate.query('BEGIN');
    await locks.gate.query("SELECT 1 FROM customers WHERE external_id = 'A' FOR NO KEY UPDATE");
    const applying = executeRun(locks.db, await createRun(locks.db, { trigger: 'api' }));
    await eventually(async () => expect(await locks.waitingForLocks()).toBe(1));
    await setLocks(locks.db, 'B', ['groups'], [], { actor: 'collector@COL-01#test' });
    await locks.gate.query('COMMIT');

    await expect(applying).rejects.toMatchObject({ code: 'AR_ERR_CONFLICT' });
    expect(await members()).toEqual([]);
    await executeRun(locks.db, await createRun(locks.db, { trigger: 'api' }));
    expect(await members()).toEqual([a]);
    expect(b).toBeGreaterThan(a);
  });
});
