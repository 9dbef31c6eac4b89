// Two credit managers at once: one deletes a saved search while the other
// saves a rule on it. Whichever commits first, the other gets a problem that
// says why (409: a rule uses it; 400: the search is gone), never a 500 from
// the foreign key, and nothing is half done. PostgreSQL only: PGlite has one
// connection, so nothing there runs at once.
import { describe, expect, it } from 'vitest';
import { postgresReachable } from '../helpers/storage.js';
import { lockRace } from '../helpers/lock-race.js';
import { eventually } from '../helpers/eventually.js';
import { createSearch, deleteSearch } from '../../src/searches/store.js';
import { saveRule } from '../../src/assign/rules.js';
import { seedReferences } from './factories.js';

describe.skipIf(!(await postgresReachable()))('when a saved search is deleted while a rule is saved on it, on PostgreSQL', () => {
  const race = lockRace();
  const rule = (searchId: number) => ({ name: 'Key accounts to A', searchId, priority: 1, actions: [{ type: 'setCollector' as const, collector: 'col-a' }] });
  const count = async (table: string) => (await race.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${table}`))[0].n;

  it('refuses the delete with 409 when the rule commits first, and keeps both', async () => {
    await seedReferences(race.db);
    const search = await createSearch(race.db, { name: 'Key accounts', criteria: { '==': [{ var: 'segment' }, 'key'] } });
    // The rule's insert is not committed yet when the delete looks for rules using the search.
    await race.gate.query('BEGIN');
    await race.gate.query(
      `INSERT INTO assignment_rules (name, search_id, priority, actions) VALUES ('Saved meanwhile', $1, 1, '[{"type":"setCollector","collector":"col-a"}]')`,
      [search.id],
    );
    const deleting = deleteSearch(race.db, search.id).catch((err: unknown) => err);
    await eventually(async () => expect(await race.waitingForLocks()).toBe(1));
    await race.gate.query('COMMIT');

    expect(await deleting).toMatchObject({ code: 'AR_ERR_CONFLICT', message: expect.stringMatching(/used by rules "Saved meanwhile"/) });
    expect([await count('saved_searches'), await count('assignment_rules')]).toEqual([1, 1]);
  });

  it('refuses the rule with 400 when the delete commits first, and saves no rule', async () => {
    await seedReferences(race.db);
    const search = await createSearch(race.db, { name: 'Key accounts', criteria: { '==': [{ var: 'segment' }, 'key'] } });
    // The delete is not committed yet when the rule checks that its search exists.
    await race.gate.query('BEGIN');
    await race.gate.query('DELETE FROM saved_searches WHERE id = $1', [search.id]);
    const saving = saveRule(race.db, null, rule(search.id)).catch((err: unknown) => err);
    await eventually(async () => expect(await race.waitingForLocks()).toBe(1));
    await race.gate.query('COMMIT');

    expect(await saving).toMatchObject({ code: 'AR_ERR_VALIDATION', message: expect.stringMatching(/saved search "\d+"/) });
    expect([await count('saved_searches'), await count('assignment_rules')]).toEqual([0, 0]);
  });
});
