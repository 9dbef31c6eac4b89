// An import of group members and a run's rules adding a customer to the same
// group at once, on PostgreSQL. A membership is a new row, which nobody can
// lock before it exists: the second writer of a pair waits for the first to
// end, then meets its row. A third session, the gate, adds one pair without
// committing, so that each writer is caught having added some pairs and
// waiting for more; then it rolls back.
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
import { addCustomer, addRule, addToGroup, seedReferences } from './factories.js';

describe.skipIf(!(await postgresReachable()))('when an import adds customers to groups a run adds them to, on PostgreSQL', () => {
  const locks = lockRace();

  /** `pairs`: group:customer, in the file's order. */
  const importMembers = (pairs: string[]) => importRecords(locks.db, findEntity('group-members')!, parseRecords(Readable.from([ndjson(
    pairs.map((p) => ({ groupExternalId: p.split(':')[0], customerExternalId: p.split(':')[1] })),
  )]), 'ndjson'));
  const apply = async () => executeRun(locks.db, await createRun(locks.db, { trigger: 'api' }));
  const outcome = (r: PromiseSettledResult<unknown>) => (r.status === 'fulfilled' ? r.value : String(r.reason));

  /** Customers A < M < B by id, in segment standard; a rule adds the standard ones to each group of `groups`. */
  async function portfolio(groups: string[]) {
    await seedReferences(locks.db);
    const ids: Record<string, number> = {};
    for (const id of ['A', 'M', 'B']) ids[id] = await addCustomer(locks.db, id);
    for (const group of groups) await addRule(locks.db, { '==': [{ var: 'segment' }, 'standard'] }, [{ type: 'addToGroup', group }]);
    return ids;
  }

  /** The gate adds `pair` (group:customer) without committing. */
  async function hold(pair: string) {
    await locks.gate.query('BEGIN');
    await locks.gate.query(`INSERT INTO group_members (group_id, customer_id)
      SELECT g.id, c.id FROM customer_groups g, customers c WHERE g.external_id = $1 AND c.external_id = $2`, pair.split(':'));
  }

  /** Starts `first`, then `second` once `first` waits for the gate; lets the gate go once both wait or `second` is done. */
  async function race(first: () => Promise<unknown>, second: () => Promise<unknown>) {
    const started = first();
    await eventually(async () => expect(await locks.waitingForLocks()).toBe(1));
    let done = false;
    const following = second().finally(() => (done = true));
    await eventually(async () => expect(done || (await locks.waitingForLocks()) === 2).toBe(true));
    await locks.gate.query('ROLLBACK');
    return (await Promise.allSettled([started, following])).map(outcome);
  }

  /** group:customer → how the customer came in (manual, rule). */
  const members = async () => Object.fromEntries((await locks.db.query<{ pair: string; source: string }>(
    `SELECT g.external_id || ':' || c.external_id AS pair, gm.source FROM group_members gm
     JOIN customer_groups g ON g.id = gm.group_id JOIN customers c ON c.id = gm.customer_id ORDER BY 1`,
  )).map((r) => [r.pair, r.source]));
  /** The audit of run `runId`: group:customer → new value. */
  const audit = async (runId: number) => Object.fromEntries((await locks.db.query<{ pair: string; value: boolean }>(
    `SELECT substr(ch.field, 7) || ':' || c.external_id AS pair, ch.new_value AS value FROM assignment_changes ch
     JOIN customers c ON c.id = ch.customer_id WHERE ch.run_id = $1 ORDER BY 1`, [runId],
  )).map((r) => [r.pair, r.value]));
  const lastRunId = async () => (await locks.db.query<{ id: number }>('SELECT max(id)::int AS id FROM assignment_runs'))[0].id;

  it('counts a pair the run added while the import waited as one already there', async () => {
    await portfolio(['vip']);
    await hold('vip:M');
    const [applied, imported] = await race(apply, () => importMembers(['vip:A']));
    expect(applied).toMatchObject({ changes: 3 });
    expect(imported).toMatchObject({ inserted: 0, unchanged: 1 });
    expect(await members()).toEqual({ 'vip:A': 'rule', 'vip:M': 'rule', 'vip:B': 'rule' });
  });

  it('completes both when the file sends its pairs in the reverse of their customers\' ids', async () => {
    await portfolio(['vip']);
    await hold('vip:M');
    const [imported, applied] = await race(() => importMembers(['vip:B', 'vip:M', 'vip:A']), apply);
    expect(imported).toMatchObject({ inserted: 3 });
    expect(applied).toMatchObject({ changes: 0, alreadyJoined: 3 });
    expect(await members()).toEqual({ 'vip:A': 'manual', 'vip:M': 'manual', 'vip:B': 'manual' });
    expect(await audit(await lastRunId())).toEqual({});
  });

  it('applies, and leaves out of its audit the joins the import made while it waited', async () => {
    await portfolio(['vip']);
    await hold('vip:M');
    const [imported, applied] = await race(() => importMembers(['vip:A', 'vip:M']), apply);
    expect(imported).toMatchObject({ inserted: 2 });
    expect(applied).toMatchObject({ changes: 1, customersChanged: 1, byField: { 'group:vip': 1 }, sentences: ['1 customer joins group vip'], alreadyJoined: 2 });
    expect(await members()).toEqual({ 'vip:A': 'manual', 'vip:M': 'manual', 'vip:B': 'rule' });
    expect(await audit(await lastRunId())).toEqual({ 'vip:B': true });
  });

  it('completes both when the run plans its joins customer by customer and the import group by group', async () => {
    // Groups low-risk < vip < watch by id. The run plans A's two joins, then M's, then B's; the import sends its pairs in key order.
    await portfolio(['low-risk', 'watch']);
    await locks.db.query("UPDATE customers SET segment = 'key' WHERE external_id = 'M'");
    await addRule(locks.db, { '==': [{ var: 'segment' }, 'key'] }, [{ type: 'addToGroup', group: 'vip' }]);
    await hold('vip:M');
    const [imported, applied] = await race(() => importMembers(['low-risk:B', 'vip:M', 'watch:A']), apply);
    expect(imported).toMatchObject({ inserted: 3 });
    expect(applied).toMatchObject({ changes: 2, alreadyJoined: 3 });
    expect(await members()).toEqual({
      'low-risk:A': 'rule', 'low-risk:B': 'manual', 'vip:M': 'manual', 'watch:A': 'manual', 'watch:B': 'rule',
    });
    expect(await audit(await lastRunId())).toEqual({ 'low-risk:A': true, 'watch:B': true });
  });

  it('reports as not restored, when undoing a run, the customers an import put back in the group meanwhile', async () => {
    // A rule-driven group whose rule no longer selects A, M and B: the run takes them out.
    const ids = await portfolio([]);
    await addRule(locks.db, { '==': [{ var: 'segment' }, 'none'] }, [{ type: 'addToGroup', group: 'watch' }]);
    for (const id of Object.values(ids)) await addToGroup(locks.db, id, 'watch', 'rule');
    await apply();
    const runId = await lastRunId();
    expect(await members()).toEqual({});
    await hold('watch:M');
    const [imported, undone] = await race(() => importMembers(['watch:A', 'watch:M']), () => undoRun(locks.db, runId));
    expect(imported).toMatchObject({ inserted: 2 });
    const why = 'changed since by a person or an import (now member)';
    expect(undone).toMatchObject({ restored: 1, notRestored: [{ externalId: 'A', field: 'group:watch', why }, { externalId: 'M', field: 'group:watch', why }] });
    expect(await members()).toEqual({ 'watch:A': 'manual', 'watch:M': 'manual', 'watch:B': 'rule' });
    expect(await audit(await lastRunId())).toEqual({ 'watch:B': true });
    expect(await locks.db.query('SELECT c.external_id FROM assignment_changes ch JOIN customers c ON c.id = ch.customer_id WHERE ch.run_id = $1 AND ch.undone_by_run_id IS NOT NULL', [runId]))
      .toEqual([{ external_id: 'B' }]);
  });
});
