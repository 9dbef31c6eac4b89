// The audit of manual locks over HTTP: who locked what on a customer, when and
// why, in GET …/locks and in the customer's history beside the runs' changes.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auth, fingerprint, KEYS } from '../helpers/app.js';
import { backends } from '../helpers/storage.js';
import { buildAssignTestApp, COL_A_KEY, type AssignTestApp } from './app.js';
import { addCustomer, addRule, seedReferences } from './factories.js';

const ANALYST = `analyst#${fingerprint(KEYS.analyst)}`;
const asColA = { authorization: `Bearer ${COL_A_KEY}` };
const ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

describe.each(await backends())('when people lock assignments on %s', (backend) => {
  let t: AssignTestApp;
  const lockAs = (headers: Record<string, string>, customer: string, payload: object) =>
    t.app.inject({ method: 'PUT', url: `/v1/customers/${customer}/locks`, headers, payload });
  const lock = (customer: string, payload: object) => lockAs(auth('analyst'), customer, payload);
  const locks = async (customer: string) => (await t.app.inject({ method: 'GET', url: `/v1/customers/${customer}/locks`, headers: auth('collector') })).json();
  const history = async (customer: string) =>
    (await t.app.inject({ method: 'GET', url: `/v1/customers/${customer}/assignments`, headers: auth('collector') })).json().history;
  const auditRows = async () => (await t.storage.db.query<{ n: number }>('SELECT count(*)::int AS n FROM lock_changes'))[0].n;

  beforeAll(async () => {
    t = await buildAssignTestApp(backend);
    await seedReferences(t.storage.db);
    for (const c of ['L1', 'L2', 'L3', 'L4', 'L5']) await addCustomer(t.storage.db, c);
    await addCustomer(t.storage.db, 'L6', { locked: ['salesRep'] });
    await addCustomer(t.storage.db, 'L7', { collector: 'col-a' });
    for (const c of ['P1', 'P2', 'P3']) await addCustomer(t.storage.db, c, { collector: 'col-a' });
    await addCustomer(t.storage.db, 'P4', { collector: 'col-a', locked: ['salesRep'] });
  });
  afterAll(async () => t?.close());

  describe('when a field is locked with a reason', () => {
    it('says who locked it, when and why, in the answer and in GET …/locks', async () => {
      const saved = await lock('L1', { lock: ['collector'], reason: 'Negotiated with the CFO: stays with Anna' });
      expect(saved.statusCode).toBe(200);
      const expected = { field: 'collector', lockedAt: expect.stringMatching(ISO), lockedBy: ANALYST, reason: 'Negotiated with the CFO: stays with Anna' };
      expect(saved.json()).toEqual({ lockedFields: ['collector'], version: 2, locks: [expected] });
      const read = await locks('L1');
      expect(read).toEqual(saved.json());
      expect(read.locks[0].lockedAt).toBe(saved.json().locks[0].lockedAt);
    });
  });

  describe('when a field is unlocked', () => {
    it('lists the lock and the unlock in the history, newest first, and the field no longer in the locks', async () => {
      await lock('L2', { lock: ['dunningScenario', 'adv'], reason: 'Disputed invoices' });
      const unlocked = await lock('L2', { unlock: ['dunningScenario'], reason: 'Dispute settled' });
      expect(unlocked.json()).toMatchObject({ lockedFields: ['adv'], locks: [{ field: 'adv', lockedBy: ANALYST, reason: 'Disputed invoices' }] });
      const entries = await history('L2');
      expect(entries.filter((e: { field: string }) => e.field === 'dunningScenario')).toEqual([
        { kind: 'unlock', at: expect.stringMatching(ISO), field: 'dunningScenario', actor: ANALYST, reason: 'Dispute settled' },
        { kind: 'lock', at: expect.stringMatching(ISO), field: 'dunningScenario', actor: ANALYST, reason: 'Disputed invoices' },
      ]);
      expect(entries.map((e: { kind: string; field: string }) => `${e.kind} ${e.field}`).sort()).toEqual(['lock adv', 'lock dunningScenario', 'unlock dunningScenario']);
    });
  });

  describe('when a change locks what is already locked or unlocks what is not', () => {
    it('records nothing, and the first lock keeps its who and why', async () => {
      await lock('L3', { lock: ['salesRep'], reason: 'Key account' });
      const before = await auditRows();
      const again = await lockAs({ authorization: `Bearer ${KEYS.admin}` }, 'L3', { lock: ['salesRep'], unlock: ['adv'], reason: 'Something else' });
      expect(again.statusCode).toBe(200);
      expect(await auditRows()).toBe(before);
      expect((await locks('L3')).locks).toEqual([expect.objectContaining({ field: 'salesRep', lockedBy: ANALYST, reason: 'Key account' })]);
      expect(await history('L3')).toHaveLength(1);
    });
  });

  describe('when the reason is too long', () => {
    it('answers 400 and changes neither the locks nor their history', async () => {
      await lock('L4', { lock: ['adv'], reason: 'First' });
      const locksBefore = await locks('L4');
      const rowsBefore = await auditRows();
      const res = await lock('L4', { lock: ['collector'], unlock: ['adv'], reason: 'x'.repeat(501) });
      expect(res.statusCode).toBe(400);
      expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(res.json().errors).toEqual([expect.objectContaining({ path: 'body/reason', message: 'must NOT have more than 500 characters' })]);
      expect(await locks('L4')).toEqual(locksBefore);
      expect(await auditRows()).toBe(rowsBefore);
      expect((await lock('L4', { lock: ['collector'], reason: 'x'.repeat(500) })).statusCode).toBe(200);
    });
  });

  describe('when a collector locks a customer of their portfolio', () => {
    it('records the collector\'s key as who locked it', async () => {
      const res = await lockAs({ authorization: `Bearer ${COL_A_KEY}` }, 'L7', { lock: ['dunningScenario'] });
      expect(res.json().locks).toEqual([
        { field: 'dunningScenario', lockedAt: expect.stringMatching(ISO), lockedBy: `collector@col-a#${fingerprint(COL_A_KEY)}`, reason: null },
      ]);
    });
  });

  describe('when a collector unlocks what a credit manager locked on their portfolio', () => {
    it('answers 403 naming the field and who locked it, and changes no lock of the request', async () => {
      await lock('P1', { lock: ['dunningScenario'], reason: 'Payment plan agreed with the CFO' });
      const before = await locks('P1');
      const rowsBefore = await auditRows();
      const res = await lockAs(asColA, 'P1', { unlock: ['dunningScenario'], lock: ['adv'] });
      expect(res.statusCode).toBe(403);
      expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(res.json()).toMatchObject({ code: 'AR_ERR_FORBIDDEN', locks: [expect.objectContaining({ field: 'dunningScenario', lockedBy: ANALYST })] });
      expect(res.json().detail).toContain(`"dunningScenario" of customer "P1": locked by ${ANALYST}`);
      expect(await locks('P1')).toEqual(before);
      expect(await auditRows()).toBe(rowsBefore);
      // An admin's lock is a credit manager's too; the analyst may still lift either.
      await lockAs({ authorization: `Bearer ${KEYS.admin}` }, 'P1', { lock: ['salesRep'] });
      expect((await lockAs(asColA, 'P1', { unlock: ['salesRep'] })).statusCode).toBe(403);
      expect((await lock('P1', { unlock: ['dunningScenario', 'salesRep'] })).json().lockedFields).toEqual([]);
    });

    it('lets them unlock what a collector locked, and lock anything', async () => {
      await lock('P2', { lock: ['adv'] });
      await lock('P2', { unlock: ['adv'] });
      expect((await lockAs(asColA, 'P2', { lock: ['adv', 'collector'] })).statusCode).toBe(200);
      const res = await lockAs(asColA, 'P2', { unlock: ['adv'] });
      expect(res.statusCode).toBe(200);
      expect(res.json().lockedFields).toEqual(['collector']);
      // Locking what a credit manager locked already changes nothing and is no unlock.
      await lock('P3', { lock: ['adv'] });
      expect((await lockAs(asColA, 'P3', { lock: ['adv'] })).json().locks).toEqual([expect.objectContaining({ field: 'adv', lockedBy: ANALYST })]);
    });

    it('refuses to lift a lock made before locks were audited, whose author is unknown', async () => {
      const res = await lockAs(asColA, 'P4', { unlock: ['salesRep'] });
      expect(res.statusCode).toBe(403);
      expect(res.json().detail).toContain('"salesRep" of customer "P4": locked before locks were audited');
      expect((await locks('P4')).lockedFields).toEqual(['salesRep']);
    });
  });

  describe('when a lock was made before locks were audited', () => {
    it('shows it with no who, when or why', async () => {
      expect(await locks('L6')).toEqual({ lockedFields: ['salesRep'], version: 1, locks: [{ field: 'salesRep', lockedAt: null, lockedBy: null, reason: null }] });
    });
  });

  describe('when a run changes a customer between a lock and an unlock', () => {
    it('lists the three in the order they happened', async () => {
      await lock('L5', { lock: ['adv'], reason: 'Hand-picked ADV' });
      await addRule(t.storage.db, { '==': [{ var: 'externalId' }, 'L5'] }, [{ type: 'setCollector', collector: 'col-b' }]);
      const started = (await t.app.inject({ method: 'POST', url: '/v1/assign/runs', headers: auth('analyst'), payload: { customers: ['L5'] } })).json();
      expect((await t.services.jobs.waitFor(started.jobId)).state).toBe('completed');
      await lock('L5', { unlock: ['adv'] });
      const entries = await history('L5');
      expect(entries.map((e: { kind: string; field: string }) => `${e.kind} ${e.field}`)).toEqual(['unlock adv', 'assignment collector', 'lock adv']);
      expect(entries[1]).toMatchObject({ runId: started.runId, old: null, new: 'col-b', requestedBy: ANALYST });
      const limited = (await t.app.inject({ method: 'GET', url: '/v1/customers/L5/assignments?limit=2', headers: auth('collector') })).json();
      expect(limited.history.map((e: { kind: string }) => e.kind)).toEqual(['unlock', 'assignment']);
    });
  });
});
