// Search & Assign over HTTP: saved searches, rules, preview, runs, undo,
// audit, criteria evaluation and fields, roles.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auth, fingerprint, KEYS } from '../helpers/app.js';
import { backends } from '../helpers/storage.js';
import { buildAssignTestApp, COL_A_KEY, type AssignTestApp } from './app.js';
import { addCustomer, addOpenInvoice, seedReferences, setModelField } from './factories.js';

describe.each(await backends())('when credit managers use Search & Assign over HTTP on %s', (backend) => {
  let t: AssignTestApp;
  const call = (method: 'GET' | 'POST' | 'PUT' | 'DELETE', url: string, role: Parameters<typeof auth>[0], payload?: object) =>
    t.app.inject({ method, url, headers: auth(role), ...(payload ? { payload } : {}) });

  beforeAll(async () => {
    t = await buildAssignTestApp(backend);
    const db = t.storage.db;
    await seedReferences(db);
    for (let i = 1; i <= 6; i++) {
      const id = await addCustomer(db, `C${i}`, { segment: i <= 3 ? 'key' : 'small', sector: i % 2 ? 'energy' : 'retail' });
      await setModelField(db, id, 'driftScore', i / 10 + 0.25);
      await addOpenInvoice(db, id, 1000 * i, 10 * i);
    }
  });
  afterAll(async () => t?.close());

  describe('when a search is saved', () => {
    it('answers with its live count and a sample showing the fields it reads', async () => {
      const res = await call('POST', '/v1/searches', 'analyst', {
        name: 'Strategic customers', criteria: { and: [{ '==': [{ var: 'segment' }, 'key'] }, { '>': [{ var: 'openAmount' }, 1500] }] },
      });
      expect(res.statusCode).toBe(201);
      const body = res.json();
      expect(body).toMatchObject({ name: 'Strategic customers', fields: ['openAmount', 'segment'], matches: { count: 2 } });
      expect(body.matches.sample[0]).toEqual({ externalId: 'C2', name: 'Customer C2', openAmount: 2000, segment: 'key' });
    });

    it.each([
      [{ '==': [{ var: 'shoeSize' }, 42] }, 'AR_ERR_CRITERIA_UNKNOWN_FIELD'],
      [{ '==': [{ var: '__proto__.polluted' }, 1] }, 'AR_ERR_CRITERIA_FORBIDDEN_PATH'],
      [{ frobnicate: [{ var: 'segment' }] }, 'AR_ERR_CRITERIA_UNKNOWN_OPERATOR'],
      [{ map: [[1], { var: '' }] }, 'AR_ERR_CRITERIA_UNSUPPORTED_OPERATOR'],
    ])('refuses bad criteria %j with a coded 400 and stores nothing', async (criteria, code) => {
      const res = await call('POST', '/v1/searches', 'analyst', { name: `bad ${code}`, criteria });
      expect(res.statusCode).toBe(400);
      expect(res.headers['content-type']).toMatch(/problem\+json/);
      expect(res.json()).toMatchObject({ code, path: expect.any(String) });
      const list = (await call('GET', '/v1/searches', 'analyst')).json();
      expect(list.items.map((s: { name: string }) => s.name)).not.toContain(`bad ${code}`);
    });

    it('counts criteria not saved yet', async () => {
      const res = await call('POST', '/v1/searches/count', 'collector', { criteria: { '==': [{ var: 'sector' }, 'energy'] }, sample: 1 });
      expect(res.json()).toEqual({ count: 3, sample: [{ externalId: 'C1', name: 'Customer C1', sector: 'energy' }] });
    });
  });

  describe('when two credit managers edit the same search or rule', () => {
    const send = (method: 'PUT' | 'DELETE', url: string, ifMatch: string | undefined, payload?: object) =>
      t.app.inject({ method, url, headers: { ...auth('analyst'), ...(ifMatch === undefined ? {} : { 'if-match': ifMatch }) }, ...(payload ? { payload } : {}) });

    it('refuses a change made on a version saved over since (412, nothing changed), and takes one made on the latest', async () => {
      const created = await call('POST', '/v1/searches', 'analyst', { name: 'Both edit', criteria: { '==': [{ var: 'segment' }, 'key'] } });
      const url = `/v1/searches/${created.json().id}`;
      const read = created.headers.etag as string;
      expect((await call('GET', url, 'analyst')).headers.etag).toBe(read);
      const first = await send('PUT', url, read, { name: 'Both edit', criteria: { '==': [{ var: 'segment' }, 'small'] } });
      expect(first.statusCode).toBe(200);
      expect(first.headers.etag).not.toBe(read);
      const second = await send('PUT', url, read, { name: 'Both edit', criteria: { '==': [{ var: 'sector' }, 'energy'] } });
      expect(second.statusCode).toBe(412);
      expect(second.headers['content-type']).toMatch(/problem\+json/);
      expect(second.json()).toMatchObject({ code: 'AR_ERR_STALE_VERSION', version: first.json().version });
      expect((await call('GET', url, 'analyst')).json().criteria).toEqual({ '==': [{ var: 'segment' }, 'small'] });
      expect((await send('DELETE', url, read)).statusCode).toBe(412);
      expect((await send('DELETE', url, first.headers.etag as string)).statusCode).toBe(204);
    });

    it('versions rules the same way; without If-Match, or with *, the last change wins as before', async () => {
      const search = (await call('POST', '/v1/searches', 'analyst', { name: 'Rule base', criteria: true })).json();
      const body = (priority: number) => ({ name: 'Versioned', searchId: search.id, priority, enabled: false, actions: [{ type: 'setCollector', collector: 'col-a' }] });
      const created = await call('POST', '/v1/rules', 'analyst', body(70));
      const url = `/v1/rules/${created.json().rule.id}`;
      const read = (await call('GET', url, 'analyst')).headers.etag as string;
      expect(read).toBe(created.headers.etag);
      expect((await send('PUT', url, read, body(71))).statusCode).toBe(200);
      expect((await send('PUT', url, read, body(72))).statusCode).toBe(412);
      expect((await send('PUT', url, `W/${read}`, body(72))).statusCode).toBe(412);
      expect((await call('GET', url, 'analyst')).json().priority).toBe(71);
      expect((await send('PUT', url, undefined, body(73))).statusCode).toBe(200);
      expect((await send('PUT', url, '*', body(74))).statusCode).toBe(200);
      expect((await send('DELETE', url, read)).statusCode).toBe(412);
      expect((await send('DELETE', url, undefined)).statusCode).toBe(204);
      expect((await send('PUT', url, undefined, body(75))).statusCode).toBe(404);
      await call('DELETE', `/v1/searches/${search.id}`, 'analyst');
    });

    // RFC 9110 §13.1.1: with If-Match, a resource that has no current representation fails the condition.
    it.each(['search', 'rule'])('answers 412 to a change on a %s deleted since it was read, * included, and 404 without If-Match', async (kind) => {
      const search = (await call('POST', '/v1/searches', 'analyst', { name: `Gone ${kind}`, criteria: true })).json();
      const rule = { name: `Gone ${kind}`, searchId: search.id, priority: 80, enabled: false, actions: [{ type: 'setCollector', collector: 'col-a' }] };
      const created = kind === 'rule' ? await call('POST', '/v1/rules', 'analyst', rule) : null;
      const url = created ? `/v1/rules/${created.json().rule.id}` : `/v1/searches/${search.id}`;
      const payload = created ? rule : { name: `Gone ${kind}`, criteria: false };
      const read = (await call('GET', url, 'analyst')).headers.etag as string;
      expect((await send('DELETE', url, read)).statusCode).toBe(204);
      for (const ifMatch of [read, '*', '"99"']) {
        for (const res of [await send('PUT', url, ifMatch, payload), await send('DELETE', url, ifMatch)]) {
          expect(res.statusCode).toBe(412);
          expect(res.json()).toMatchObject({ code: 'AR_ERR_STALE_VERSION', version: null, detail: expect.stringMatching(/is gone: If-Match named .*nothing was changed/) });
        }
      }
      expect((await send('PUT', url, undefined, payload)).statusCode).toBe(404);
      expect((await send('DELETE', url, undefined)).statusCode).toBe(404);
      expect((await call('GET', url, 'analyst')).statusCode).toBe(404);
      if (created) await call('DELETE', `/v1/searches/${search.id}`, 'analyst');
    });
  });

  describe('when two people change the assignment settings or a customer\'s locks', () => {
    const send = (url: string, ifMatch: string | undefined, payload: object, headers: Record<string, string> = auth('analyst')) =>
      t.app.inject({ method: 'PUT', url, headers: { ...headers, ...(ifMatch === undefined ? {} : { 'if-match': ifMatch }) }, payload });
    const margin = (openAmount: number | null) => ({ hysteresis: { openAmount } });

    it('refuses a settings change made on a version saved over since (412, nothing changed); without If-Match, or with *, the last wins', async () => {
      const read = (await call('GET', '/v1/assign/settings', 'analyst')).headers.etag as string;
      expect(read).toMatch(/^"\d+"$/);
      const first = await send('/v1/assign/settings', read, margin(7));
      expect(first.statusCode).toBe(200);
      expect(first.headers.etag).not.toBe(read);
      const second = await send('/v1/assign/settings', read, margin(8));
      expect(second.statusCode).toBe(412);
      expect(second.json()).toMatchObject({ code: 'AR_ERR_STALE_VERSION', version: Number(JSON.parse(first.headers.etag as string)) });
      const now = await call('GET', '/v1/assign/settings', 'analyst');
      expect(now.json().hysteresis.openAmount).toBe(7);
      expect(now.headers.etag).toBe(first.headers.etag);
      expect((await send('/v1/assign/settings', `W/${now.headers.etag}`, margin(8))).statusCode).toBe(412);
      expect((await send('/v1/assign/settings', '*', margin(9))).statusCode).toBe(200);
      expect((await send('/v1/assign/settings', undefined, margin(null))).statusCode).toBe(200);
    });

    it('lets one of two settings changes made on the same version through, and refuses the other', async () => {
      const read = (await call('GET', '/v1/assign/settings', 'analyst')).headers.etag as string;
      const answers = await Promise.all([send('/v1/assign/settings', read, margin(11)), send('/v1/assign/settings', read, margin(12))]);
      expect(answers.map((a) => a.statusCode).sort()).toEqual([200, 412]);
      const won = answers.find((a) => a.statusCode === 200)!;
      expect((await call('GET', '/v1/assign/settings', 'analyst')).json().hysteresis.openAmount).toBe(won.json().hysteresis.openAmount);
      await send('/v1/assign/settings', undefined, margin(null));
    });

    it('versions a customer\'s locks the same way, the collector\'s portfolio checked first', async () => {
      const read = await call('GET', '/v1/customers/C3/locks', 'collector');
      expect(read.json()).toMatchObject({ lockedFields: [] });
      const first = await send('/v1/customers/C3/locks', read.headers.etag as string, { lock: ['adv'] });
      expect(first.json()).toMatchObject({ lockedFields: ['adv'] });
      expect(first.headers.etag).not.toBe(read.headers.etag);
      expect((await call('GET', '/v1/customers/C3/locks', 'analyst')).headers.etag).toBe(first.headers.etag);
      const stale = await send('/v1/customers/C3/locks', read.headers.etag as string, { unlock: ['adv'], lock: ['salesRep'] });
      expect(stale.statusCode).toBe(412);
      expect(stale.json()).toMatchObject({ code: 'AR_ERR_STALE_VERSION', detail: expect.stringMatching(/^The lock list of customer C3 has changed/) });
      expect((await call('GET', '/v1/customers/C3/locks', 'analyst')).json()).toMatchObject({ lockedFields: ['adv'] });
      // C3 is not col-a's: a 403, not what version its locks are at.
      const notMine = await send('/v1/customers/C3/locks', read.headers.etag as string, { lock: ['salesRep'] }, { authorization: `Bearer ${COL_A_KEY}` });
      expect(notMine.statusCode).toBe(403);
      expect((await send('/v1/customers/C3/locks', '*', { lock: ['salesRep'] })).statusCode).toBe(200);
      expect((await send('/v1/customers/C3/locks', undefined, { unlock: ['adv', 'salesRep'] })).json()).toMatchObject({ lockedFields: [] });
    });

    // An ETag is quoted ("3"): a version sent bare, or anything else no entity tag, was read as naming no
    // version, and answered 412 "has changed since it was read" however often the client read it again.
    it.each(['2', 'version 2', '', '"2", 3'])('answers 400, saying how to write it, to an If-Match %j that is no entity tag, and changes nothing', async (ifMatch) => {
      const search = (await call('POST', '/v1/searches', 'analyst', { name: `Bare If-Match ${ifMatch}`, criteria: true })).json();
      const url = `/v1/searches/${search.id}`;
      for (const res of [
        await send(url, ifMatch, { name: `Bare If-Match ${ifMatch}`, criteria: false }),
        await send('/v1/assign/settings', ifMatch, margin(13)),
        await send('/v1/customers/C2/locks', ifMatch, { lock: ['adv'] }),
        await t.app.inject({ method: 'DELETE', url, headers: { ...auth('analyst'), 'if-match': ifMatch } }),
      ]) {
        expect(res.statusCode).toBe(400);
        expect(res.json()).toMatchObject({ code: 'AR_ERR_VALIDATION', detail: expect.stringMatching(/if-match must name the version as the ETag gives it/) });
      }
      expect((await call('GET', url, 'analyst')).json()).toMatchObject({ version: 1, criteria: true });
      expect((await call('GET', '/v1/assign/settings', 'analyst')).json().hysteresis.openAmount).not.toBe(13);
      expect((await call('GET', '/v1/customers/C2/locks', 'analyst')).json().lockedFields).toEqual([]);
      await call('DELETE', url, 'analyst');
    });

    it('answers 412 to a lock change with If-Match on a customer that does not exist, and 404 without', async () => {
      expect((await call('GET', '/v1/customers/C404/locks', 'analyst')).statusCode).toBe(404);
      const gone = await send('/v1/customers/C404/locks', '"1"', { lock: ['adv'] });
      expect(gone.statusCode).toBe(412);
      expect(gone.json()).toMatchObject({ code: 'AR_ERR_STALE_VERSION', version: null });
      expect((await send('/v1/customers/C404/locks', undefined, { lock: ['adv'] })).statusCode).toBe(404);
    });
  });

  describe('when roles edit rules', () => {
    it('refuses collector and platform keys with 403', async () => {
      const search = (await call('POST', '/v1/searches', 'analyst', { name: 'Everyone', criteria: true })).json();
      const rule = { name: 'All to col-a', searchId: search.id, priority: 50, actions: [{ type: 'setCollector', collector: 'col-a' }] };
      for (const role of ['collector', 'platform'] as const) {
        const res = await call('POST', '/v1/rules', role, rule);
        expect(res.statusCode).toBe(403);
        expect(res.json().code).toBe('AR_ERR_FORBIDDEN');
      }
      expect((await call('GET', '/v1/rules', 'collector')).json().items).toEqual([]);
      await call('DELETE', `/v1/searches/${search.id}`, 'admin');
    });

    it('refuses a rule naming a collector that does not exist', async () => {
      const search = (await call('POST', '/v1/searches', 'analyst', { name: 'Nobody', criteria: false })).json();
      const res = await call('POST', '/v1/rules', 'analyst', { name: 'ghost', searchId: search.id, priority: 9, actions: [{ type: 'setCollector', collector: 'col-zz' }] });
      expect(res.statusCode).toBe(400);
      expect(res.json().detail).toMatch(/collector "col-zz"/);
      await call('DELETE', `/v1/searches/${search.id}`, 'admin');
    });

    it('says what is wrong with an action in the terms of the action meant, not of every kind of action', async () => {
      const rule = (action: object) => call('POST', '/v1/rules', 'analyst', { name: 'x', searchId: 1, priority: 9, actions: [action] });
      const missing = (await rule({ type: 'setCollector', colector: 'col-1' })).json();
      expect(missing.errors.map((e: { message: string }) => e.message)).toEqual([
        "must have required property 'collector'", 'has no member named "colector"',
      ]);
      const unknown = (await rule({ type: 'fly', collector: 'col-1' })).json();
      expect(unknown.errors).toHaveLength(1);
      expect(unknown.errors[0]).toMatchObject({ path: 'body/actions/0/type', message: expect.stringMatching(/^must be one of: "setDunningScenario", "setCollector", "addToGroup"/) });
      const actor = (await rule({ type: 'setInternalActor', actor: 'ceo', value: 'Bob' })).json();
      expect(actor.errors).toEqual([expect.objectContaining({ path: 'body/actions/0/actor', message: 'must be one of: "salesRep", "adv"' })]);
    });
  });

  describe('when rules are previewed, applied and undone', () => {
    let ruleIds: number[] = [];
    afterAll(async () => {
      for (const id of ruleIds) await call('DELETE', `/v1/rules/${id}`, 'analyst');
    });

    it('previews the diff, applies that plan, audits it per customer and undoes it', async () => {
      const risky = (await call('POST', '/v1/searches', 'analyst', { name: 'Drifting', criteria: { '>': [{ var: 'driftScore' }, 0.7] } })).json();
      const inRisky = (await call('POST', '/v1/searches', 'analyst', { name: 'In high-risk', criteria: { in: ['high-risk', { var: 'groups' }] } })).json();
      const r1 = await call('POST', '/v1/rules', 'analyst', { name: 'Drift → high-risk', searchId: risky.id, priority: 2, actions: [{ type: 'addToGroup', group: 'high-risk' }] });
      const r2 = await call('POST', '/v1/rules', 'analyst', {
        name: 'High-risk → legal', searchId: inRisky.id, priority: 1,
        actions: [{ type: 'setCollector', collector: 'col-legal' }, { type: 'switchFeature', feature: 'latePenalties', enabled: true }],
      });
      expect([r1.statusCode, r2.statusCode]).toEqual([201, 201]);
      ruleIds = [r1.json().rule.id, r2.json().rule.id];
      expect((await call('GET', '/v1/rules', 'collector')).json().stages.map((s: { id: number }[]) => s.map((r) => r.id))).toEqual([[ruleIds[0]], [ruleIds[1]]]);

      const preview = await call('POST', '/v1/assign/preview', 'platform', { limit: 50 });
      expect(preview.statusCode).toBe(200);
      const plan = preview.json();
      expect(plan.summary.sentences).toEqual([
        '2 customers change collector', '2 customers join group high-risk', '2 customers get late penalties switched on',
      ]);
      expect(plan.changes.find((c: { field: string }) => c.field === 'group:high-risk')).toMatchObject({
        externalId: 'C5', old: false, new: true, ruleName: 'Drift → high-risk', values: { driftScore: 0.75 },
      });

      const started = await call('POST', '/v1/assign/runs', 'analyst', { expectPlanHash: plan.planHash });
      expect(started.statusCode).toBe(202);
      const { runId, jobId } = started.json();
      expect((await t.services.jobs.waitFor(jobId)).state).toBe('completed');
      const run = (await call('GET', `/v1/assign/runs/${runId}?limit=50`, 'collector')).json();
      expect(run).toMatchObject({ status: 'applied', progress: 1, planHash: plan.planHash, totalChanges: plan.totalChanges });
      expect(run.changes.map((c: object) => ({ ...c, undoneByRunId: undefined, undoesRunId: undefined }))).toEqual(plan.changes.map((c: object) => ({ ...c, undoneByRunId: undefined })));
      expect(run.changes.every((c: { undoesRunId: unknown }) => c.undoesRunId === null)).toBe(true);

      const audit = (await call('GET', '/v1/customers/C6/assignments?explain=true', 'collector')).json();
      expect(audit.current).toMatchObject({ collector: 'col-legal', latePenalties: true });
      expect(audit.changes.map((c: { field: string }) => c.field).sort()).toEqual(['collector', 'group:high-risk', 'latePenalties']);
      expect(audit.state.find((s: { field: string }) => s.field === 'collector')).toMatchObject({ ruleName: 'High-risk → legal', runId });
      expect(audit.rules.find((r: { ruleId: number }) => r.ruleId === ruleIds[0])).toMatchObject({ matches: true });

      const undo = await call('POST', `/v1/assign/runs/${runId}/undo`, 'analyst');
      expect(undo.json()).toMatchObject({ restored: plan.totalChanges, notRestored: [] });
      const undone = (await call('GET', '/v1/customers/C6/assignments', 'collector')).json();
      expect(undone).toMatchObject({ current: { collector: null, latePenalties: false }, groups: [] });
      // Put back by the undo: no rule set no collector.
      expect(undone.state.find((s: { field: string }) => s.field === 'collector')).toMatchObject({
        value: null, ruleId: null, ruleName: null, runId: undo.json().undoRunId, undoesRunId: runId,
      });
      // The undo's run view says the same of each change: the undo made it, no rule.
      const undoView = (await call('GET', `/v1/assign/runs/${undo.json().undoRunId}?limit=50`, 'collector')).json();
      expect(undoView).toMatchObject({ kind: 'undo', undoesRunId: runId, totalChanges: plan.totalChanges });
      const credits = undoView.changes.map((c: { ruleId: unknown; ruleName: unknown; undoesRunId: unknown }) => [c.ruleId, c.ruleName, c.undoesRunId]);
      expect(credits).toEqual(undoView.changes.map(() => [null, null, runId]));
      expect(undoView.changes.every((c: { because: string }) => c.because.startsWith(`undo of run ${runId}: back to `))).toBe(true);
      expect((await call('POST', `/v1/assign/runs/${runId}/undo`, 'analyst')).statusCode).toBe(409);
    });

    it('reports a field a person locked instead of changing it', async () => {
      expect((await call('PUT', '/v1/customers/C6/locks', 'analyst', { lock: ['collector'] })).json()).toMatchObject({ lockedFields: ['collector'] });
      // The undo above restarted the dwell clocks; without dwell only the lock holds anything back.
      const settings = await call('PUT', '/v1/assign/settings', 'analyst', { dwellDays: { groups: 0, collector: 0, features: 0 } });
      expect(settings.json().dwellDays).toMatchObject({ groups: 0, dunningScenario: 30 });
      const plan = (await call('POST', '/v1/assign/preview', 'analyst', { customers: ['C6'] })).json();
      expect(plan.held).toEqual([expect.objectContaining({ externalId: 'C6', field: 'collector', outcome: 'locked' })]);
      expect(plan.held[0].because).toMatch(/^skipped: locked by a person/);
      expect(plan.changes.map((c: { field: string }) => c.field)).not.toContain('collector');
      expect((await call('PUT', '/v1/customers/C6/locks', 'analyst', { lock: ['shoeSize'] })).statusCode).toBe(400);
    });

    it('refuses a lock on a group that does not exist, or a field both locked and unlocked, and changes no lock', async () => {
      const unknown = await call('PUT', '/v1/customers/C6/locks', 'analyst', { lock: ['group:no-such-group'] });
      expect(unknown.statusCode).toBe(400);
      expect(unknown.json().detail).toMatch(/cannot lock group "no-such-group": no such customer group/);
      const both = await call('PUT', '/v1/customers/C6/locks', 'analyst', { lock: ['adv'], unlock: ['adv'] });
      expect(both.statusCode).toBe(400);
      expect(both.json().detail).toMatch(/"adv" cannot be both locked and unlocked/);
      expect((await call('GET', '/v1/customers/C6/assignments', 'collector')).json().lockedFields).toEqual(['collector']);
    });

    it('lets a collector lock the customers of their portfolio and no other', async () => {
      await t.storage.db.query(`UPDATE customers SET collector_id = (SELECT id FROM collectors WHERE external_id = 'col-a') WHERE external_id = 'C5'`);
      const asColA = (customer: string) => t.app.inject({
        method: 'PUT', url: `/v1/customers/${customer}/locks`, headers: { authorization: `Bearer ${COL_A_KEY}` }, payload: { lock: ['dunningScenario'] },
      });
      expect((await asColA('C5')).json()).toMatchObject({ lockedFields: ['dunningScenario'] });
      const other = await asColA('C4');
      expect(other.statusCode).toBe(403);
      expect(other.json().detail).toMatch(/not in collector "col-a"'s portfolio/);
      expect((await asColA('C404')).statusCode).toBe(404);
      expect((await call('PUT', '/v1/customers/C4/locks', 'collector', { lock: ['adv'] })).statusCode).toBe(403);
      expect((await call('GET', '/v1/customers/C4/assignments', 'analyst')).json().lockedFields).toEqual([]);
      await call('PUT', '/v1/customers/C5/locks', 'analyst', { unlock: ['dunningScenario'] });
    });

    it('refuses a hysteresis margin no amount could cross', async () => {
      const res = await call('PUT', '/v1/assign/settings', 'analyst', { hysteresis: { openAmount: 1e308 } });
      expect(res.statusCode).toBe(400);
      expect((await call('GET', '/v1/assign/settings', 'analyst')).json().hysteresis.openAmount).not.toBe(1e308);
    });

    it('refuses a filter on a target no rule changes, an empty customer list and a blank actor, and runs nothing', async () => {
      const runs = async () => (await t.storage.db.query<{ n: number }>('SELECT count(*)::int AS n FROM assignment_runs'))[0].n;
      const before = await runs();
      const preview = await call('POST', '/v1/assign/preview', 'analyst', { field: 'bogus' });
      expect(preview.statusCode).toBe(400);
      expect(preview.json().errors[0].message).toMatch(/must be a target a rule changes: dunningScenario, collector/);
      expect((await call('POST', '/v1/assign/preview', 'analyst', { field: 'group:vip' })).statusCode).toBe(200);
      expect((await call('POST', '/v1/assign/runs', 'analyst', { customers: [] })).statusCode).toBe(400);
      expect(await runs()).toBe(before);
      const s = (await call('POST', '/v1/searches', 'analyst', { name: 'Key accounts, blank actor', criteria: { '==': [{ var: 'segment' }, 'key'] } })).json();
      const blank = await call('POST', '/v1/rules', 'analyst', { name: 'blank adv', searchId: s.id, priority: 9, actions: [{ type: 'setInternalActor', actor: 'adv', value: '   ' }] });
      expect(blank.statusCode).toBe(400);
    });

    it('refuses a rule that would feed itself in a cycle', async () => {
      const s = (await call('POST', '/v1/searches', 'analyst', { name: 'Not yet high-risk', criteria: { '!': { in: ['high-risk', { var: 'groups' }] } } })).json();
      const res = await call('POST', '/v1/rules', 'analyst', { name: 'loop', searchId: s.id, priority: 3, actions: [{ type: 'addToGroup', group: 'high-risk' }] });
      expect(res.statusCode).toBe(409);
      expect(res.json()).toMatchObject({ code: 'AR_ERR_RULE_CONFLICT' });
      expect((await call('GET', '/v1/rules', 'analyst')).json().items.map((r: { name: string }) => r.name)).not.toContain('loop');
    });
  });

  describe('when runs are triggered by changes', () => {
    it('runs the whole portfolio after a rule change when the settings ask for it', async () => {
      await call('PUT', '/v1/assign/settings', 'analyst', { runOnRuleChange: true });
      const s = (await call('POST', '/v1/searches', 'analyst', { name: 'Energy', criteria: { '==': [{ var: 'sector' }, 'energy'] } })).json();
      const res = await call('POST', '/v1/rules', 'analyst', { name: 'Energy → ADV', searchId: s.id, priority: 40, actions: [{ type: 'setInternalActor', actor: 'adv', value: 'Nadia' }] });
      const { runId } = res.json();
      expect(runId).toEqual(expect.any(Number));
      const queued = (await call('GET', `/v1/assign/runs/${runId}`, 'analyst')).json();
      expect(queued.trigger).toBe('rule_change');
      await t.services.jobs.waitFor(queued.jobId);
      const run = (await call('GET', `/v1/assign/runs/${runId}?field=adv`, 'analyst')).json();
      expect(run).toMatchObject({ status: 'applied', totalChanges: 3 });
      expect(run.changes.map((c: { externalId: string }) => c.externalId)).toEqual(['C1', 'C3', 'C5']);
      await call('PUT', '/v1/assign/settings', 'analyst', { runOnRuleChange: false });
    });

    it('re-evaluates only the customers an import changed, in memory', async () => {
      await t.storage.db.query(`UPDATE customers SET sector = 'energy' WHERE external_id = 'C2'`);
      const started = (await call('POST', '/v1/assign/runs', 'platform', { customers: ['C2'] })).json();
      await t.services.jobs.waitFor(started.jobId);
      const run = (await call('GET', `/v1/assign/runs/${started.runId}`, 'platform')).json();
      expect(run).toMatchObject({ trigger: 'customer_change', scope: { customerIds: [expect.any(Number)] }, status: 'applied' });
      expect(run.changes).toEqual([expect.objectContaining({ externalId: 'C2', field: 'adv', new: 'Nadia', values: { sector: 'energy' } })]);
    });

    it('records which key asked for a run and for its undo, by the key\'s fingerprint, never the key', async () => {
      const started = (await call('POST', '/v1/assign/runs', 'platform', { customers: ['C2'] })).json();
      await t.services.jobs.waitFor(started.jobId);
      const undo = (await call('POST', `/v1/assign/runs/${started.runId}/undo`, 'analyst')).json();
      const run = await call('GET', `/v1/assign/runs/${started.runId}`, 'platform');
      expect(run.json().requestedBy).toBe(`platform#${fingerprint(KEYS.platform)}`);
      expect((await call('GET', `/v1/assign/runs/${undo.undoRunId}`, 'platform')).json().requestedBy).toBe(`analyst#${fingerprint(KEYS.analyst)}`);
      expect(run.body).not.toContain(KEYS.platform);
    });
  });

  describe('when criteria are evaluated', () => {
    it('explains a rule on an explicit record with JsonLogic semantics', async () => {
      const res = await call('POST', '/v1/criteria/evaluate', 'collector', {
        criteria: { and: [{ '>': [{ var: 'invoice.daysLate' }, 30] }, { in: [{ var: 'tier' }, ['gold', 'silver']] }] },
        record: { invoice: { daysLate: 45 }, tier: 'gold' },
      });
      expect(res.json()).toMatchObject({ result: true, explanation: { matches: true } });
    });

    it('refuses prototype paths in records too', async () => {
      const res = await call('POST', '/v1/criteria/evaluate', 'collector', { criteria: { var: 'constructor.name' }, record: {} });
      expect(res.statusCode).toBe(400);
      expect(res.json().code).toBe('AR_ERR_CRITERIA_FORBIDDEN_PATH');
    });

    it('refuses a record nested deeper than a stored JSON value may be, rather than overflow the stack', async () => {
      const deep = `${'{"a":'.repeat(5000)}1${'}'.repeat(5000)}`;
      const res = await t.app.inject({
        method: 'POST', url: '/v1/criteria/evaluate', headers: { ...auth('collector'), 'content-type': 'application/json' },
        payload: `{"criteria":{"var":"a.a"},"record":${deep}}`,
      });
      expect(res.statusCode).toBe(400);
      expect(res.json()).toMatchObject({ code: 'AR_ERR_VALIDATION', errors: [{ path: 'body/record', message: 'must not nest deeper than 64 levels' }] });
    });

    it('evaluates saved-search criteria on a customer as rules see it', async () => {
      const res = await call('POST', '/v1/criteria/evaluate', 'collector', { criteria: { '>': [{ var: 'driftScore' }, 0.7] }, customer: 'C2' });
      expect(res.json()).toMatchObject({ result: false, explanation: { matches: false } });
      expect(res.json().explanation.summary).toMatch(/driftScore \(0\.45\)/);
    });

    it('lists the fields for a query builder with operators, values and sources', async () => {
      const rqb = (await call('GET', '/v1/criteria/fields', 'collector')).json();
      const drift = rqb.fields.find((f: { name: string }) => f.name === 'driftScore');
      expect(drift).toMatchObject({ source: 'model', type: 'number', inputType: 'number', hysteresis: 0.05 });
      expect(drift.operators.map((o: { name: string }) => o.name)).toContain('between');
      const groups = rqb.fields.find((f: { name: string }) => f.name === 'groups');
      expect(groups.values.map((v: { name: string }) => v.name)).toContain('high-risk');
      const raqb = (await call('GET', '/v1/criteria/fields?format=react-awesome-query-builder', 'collector')).json();
      expect(raqb.fields.collector).toMatchObject({ type: 'select', fieldSettings: { listValues: expect.arrayContaining([{ value: 'col-a', title: 'col-a' }]) } });
    });
  });
});
