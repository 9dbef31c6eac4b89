// The preview over HTTP lists what a band's rule would change while it waits
// for the customer to leave the band beside (one band at a time), with the
// reason the customer's explanation gives.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auth } from '../helpers/app.js';
import { backends } from '../helpers/storage.js';
import { buildAssignTestApp, type AssignTestApp } from './app.js';
import { createRun, executeRun } from '../../src/assign/runs.js';
import { saveSettings } from '../../src/assign/settings.js';
import { addCustomer, addRule, seedReferences } from './factories.js';

describe.each(await backends())('when a credit manager previews bands with hysteresis margins on %s', (backend) => {
  let t: AssignTestApp;
  const preview = (payload: object) => t.app.inject({ method: 'POST', url: '/v1/assign/preview', headers: auth('analyst'), payload });

  beforeAll(async () => {
    t = await buildAssignTestApp(backend);
    const db = t.storage.db;
    await seedReferences(db);
    await saveSettings(db, { hysteresis: { riskScore: 5 }, dwellDays: { groups: 0 }, runOnRuleChange: false });
    const id = await addCustomer(db, 'HB', { riskScore: 38 });
    const risk = { var: 'riskScore' };
    await addRule(db, { '<': [risk, 40] }, [{ type: 'addToGroup', group: 'low-risk' }], { name: 'low' });
    await addRule(db, { and: [{ '>=': [risk, 40] }, { '<': [risk, 70] }] }, [{ type: 'addToGroup', group: 'watch' }], { name: 'medium' });
    await executeRun(db, await createRun(db, { trigger: 'api', scope: {} }));
    // Kept in low (below 45), and selected into medium (from 40).
    await db.query('UPDATE customers SET risk_score = 42 WHERE id = $1', [id]);
  });
  afterAll(async () => t?.close());

  it('lists the join that waits in held, outcome oneBand, in the explanation\'s words, for the portfolio and for the customer', async () => {
    for (const scope of [{}, { customers: ['HB'] }]) {
      const res = await preview(scope);
      expect(res.statusCode).toBe(200);
      const body = res.json();
      expect(body.totalChanges).toBe(0);
      expect(body.held).toEqual([{
        externalId: 'HB', field: 'group:watch', current: false, wanted: true, ruleId: expect.any(Number), outcome: 'oneBand',
        because: 'waits: one band at a time, group low-risk first (a band beside this rule\'s): rule "medium" wanted group watch member',
      }]);
      expect(body.summary.held).toEqual({ locked: 0, dwell: 0, manualMember: 0, oneBand: 1 });
    }
    const explained = await t.app.inject({ method: 'GET', url: '/v1/customers/HB/assignments?explain=true', headers: auth('analyst') });
    const medium = explained.json().rules.find((r: { name: string }) => r.name === 'medium');
    expect(medium.summary).toMatch(/^waits: one band at a time, group low-risk first \(a band beside this rule's\)/);
  });
});
