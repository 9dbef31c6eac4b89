// Two credit managers at once: one changes a saved search a rule uses so that
// it reads a group, while the other saves a rule reading the group the first
// rule builds and building the group the search now reads. Each change alone
// leaves the rules in order; both together feed each other in a cycle, which
// no run can order (every run and GET /v1/rules would answer 409 until someone
// found the rule to change). The second to save must see the first and be
// refused. PostgreSQL only: PGlite has one connection, so nothing there runs at once.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import pg from 'pg';
import { auth } from '../helpers/app.js';
import { buildAssignTestApp, type AssignTestApp } from './app.js';
import { postgresReachable } from '../helpers/storage.js';
import { lockRace } from '../helpers/lock-race.js';
import { eventually } from '../helpers/eventually.js';
import { createSearch } from '../../src/searches/store.js';
import { loadRuleSet, RULE_SET_LOCK, saveRule } from '../../src/assign/rules.js';
import { seedReferences } from './factories.js';

describe.skipIf(!(await postgresReachable()))('when a search and a rule that would feed each other in a cycle are saved at once, on PostgreSQL', () => {
  const race = lockRace();

  it('refuses the one saved second with 409 and keeps the rules in order', async () => {
    await seedReferences(race.db);
    const keyAccounts = await createSearch(race.db, { name: 'Key accounts', criteria: { '==': [{ var: 'segment' }, 'key'] } });
    await saveRule(race.db, null, { name: 'Key → high-risk', searchId: keyAccounts.id, priority: 1, actions: [{ type: 'addToGroup', group: 'high-risk' }] });
    const inHighRisk = await createSearch(race.db, { name: 'In high-risk', criteria: { in: ['high-risk', { var: 'groups' }] } });

    // The search change, as PUT /v1/searches/:id makes it, not committed yet.
    await race.gate.query('BEGIN');
    await race.gate.query('SELECT pg_advisory_xact_lock(hashtext($1))', [RULE_SET_LOCK]);
    await race.gate.query(
      `UPDATE saved_searches SET criteria = '{"in": ["watch", {"var": "groups"}]}', fields = ARRAY['groups'], version = version + 1 WHERE id = $1`,
      [keyAccounts.id],
    );
    let settled = false;
    const saving = saveRule(race.db, null, {
      name: 'High-risk → watch', searchId: inHighRisk.id, priority: 2, actions: [{ type: 'addToGroup', group: 'watch' }],
    }).catch((err: unknown) => err).finally(() => { settled = true; });
    // Waiting for the search change to end, or (had it not waited) saved without it.
    await eventually(async () => expect(settled || (await race.waitingForLocks()) === 1).toBe(true));
    await race.gate.query('COMMIT');

    expect(await saving).toMatchObject({ code: 'AR_ERR_RULE_CONFLICT', message: expect.stringMatching(/cycle/) });
    expect((await loadRuleSet(race.db)).rules.map((r) => r.name)).toEqual(['Key → high-risk']);
  });
});

describe.skipIf(!(await postgresReachable()))('when a rule and a search change that would feed each other in a cycle are saved at once, over HTTP on PostgreSQL', () => {
  let t: AssignTestApp;
  let gate: pg.Client;
  beforeAll(async () => {
    t = await buildAssignTestApp('postgres');
    gate = new pg.Client({ connectionString: t.storage.url! });
    await gate.connect();
  });
  afterAll(async () => {
    await gate?.end();
    await t?.close();
  });

  it('refuses the search change saved second with 409 and keeps its criteria', async () => {
    const db = t.storage.db;
    await seedReferences(db);
    const keyAccounts = await createSearch(db, { name: 'Key accounts', criteria: { '==': [{ var: 'segment' }, 'key'] } });
    await saveRule(db, null, { name: 'Key → high-risk', searchId: keyAccounts.id, priority: 1, actions: [{ type: 'addToGroup', group: 'high-risk' }] });
    const inHighRisk = await createSearch(db, { name: 'In high-risk', criteria: { in: ['high-risk', { var: 'groups' }] } });

    // The rule, as POST /v1/rules saves it, not committed yet.
    await gate.query('BEGIN');
    await gate.query('SELECT pg_advisory_xact_lock(hashtext($1))', [RULE_SET_LOCK]);
    await gate.query(
      `INSERT INTO assignment_rules (name, search_id, priority, actions) VALUES ('High-risk → watch', $1, 2, '[{"type":"addToGroup","group":"watch"}]')`,
      [inHighRisk.id],
    );
    let settled = false;
    const changing = t.app.inject({
      method: 'PUT', url: `/v1/searches/${keyAccounts.id}`, headers: auth('analyst'),
      payload: { name: 'Key accounts', criteria: { in: ['watch', { var: 'groups' }] } },
    }).finally(() => { settled = true; });
    const waiting = async () => (await db.query<{ n: number }>(
      "SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'",
    ))[0].n;
    await eventually(async () => expect(settled || (await waiting()) === 1).toBe(true));
    await gate.query('COMMIT');

    const res = await changing;
    expect(res.statusCode).toBe(409);
    expect(res.json()).toMatchObject({ code: 'AR_ERR_RULE_CONFLICT' });
    expect((await loadRuleSet(db)).rules.map((r) => r.name)).toEqual(['Key → high-risk', 'High-risk → watch']);
    expect((await t.app.inject({ method: 'GET', url: `/v1/searches/${keyAccounts.id}`, headers: auth('analyst') })).json().criteria)
      .toEqual({ '==': [{ var: 'segment' }, 'key'] });
  });
});
