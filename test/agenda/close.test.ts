// Closing an action from the agenda over HTTP: what the collector closes is the
// task the agenda showed them, on PGlite and PostgreSQL.
import { describe, it, expect, beforeAll, afterAll, beforeEach } from 'vitest';
import { backends } from '../helpers/storage.js';
import { auth, type TestApp } from '../helpers/app.js';
import { buildAgendaTestApp, BOUND_COLLECTOR, whenCalm } from './app.js';
import * as f from './factories.js';
import { addDays, todayIso } from '../../src/agenda/dates.js';
import { DEFAULT_AGENDA_POLICY, planAndMaterialise } from '../../src/agenda/index.js';

const CALL_STEP: f.Step[] = [{ dayOffset: 10, channel: 'call', level: 1, template: 'collector-call', automatic: false }];

for (const backend of await backends()) {
  describe(`closing an agenda action on ${backend}`, () => {
    let t: TestApp;
    beforeAll(async () => { t = await buildAgendaTestApp(backend); });
    afterAll(async () => t.close());
    beforeEach(async () => f.wipe(t.storage.db));

    const plan = (date: string) => planAndMaterialise(t.storage.db, { date, scope: { kind: 'portfolio' }, policy: DEFAULT_AGENDA_POLICY });
    const inject = async (method: 'GET' | 'POST', url: string, payload?: object) => {
      await whenCalm(t.app);
      return t.app.inject({ method, url, headers: auth('collector'), ...(payload ? { payload } : {}) });
    };

    describe('when an invoice reached the step of a planned call since the last planning run', () => {
      it('closes the call for every invoice the agenda showed with it, so none comes back as a call of its own', async () => {
        const today = todayIso();
        const db = t.storage.db;
        const collectorId = await f.collector(db, BOUND_COLLECTOR);
        const customerId = await f.customer(db, { collectorId, scenarioId: await f.scenario(db, CALL_STEP) });
        // The call step of F-1 fell yesterday, that of F-2 today.
        await f.invoice(db, { customerId, number: 'F-1', dueDate: addDays(today, -11), amount: 1000 });
        await f.invoice(db, { customerId, number: 'F-2', dueDate: addDays(today, -10), amount: 600 });
        await plan(addDays(today, -1));

        const agenda = (await inject('GET', '/v1/agenda')).json();
        expect(agenda.items).toHaveLength(1);
        const [call] = agenda.items;
        expect(call).toMatchObject({ kind: 'scenario_step', state: 'planned' });
        expect(call.invoices.map((i: { number: string }) => i.number)).toEqual(['F-1', 'F-2']);

        expect((await inject('POST', `/v1/actions/${call.id}/done`)).statusCode).toBe(200);
        expect((await inject('GET', '/v1/agenda')).json().items).toEqual([]);
        await plan(today);
        expect((await f.actionsOf(db, customerId)).filter((a) => a.status === 'planned')).toEqual([]);
      });
    });

    describe('when a suggestion read on the agenda of another day is closed without that day', () => {
      it('says on which day it does not stand and how to close it, rather than that it does not exist', async () => {
        const today = todayIso();
        const tomorrow = addDays(today, 1);
        const db = t.storage.db;
        const collectorId = await f.collector(db, BOUND_COLLECTOR);
        const customerId = await f.customer(db, { collectorId, scenarioId: await f.scenario(db, CALL_STEP) });
        await f.invoice(db, { customerId, number: 'F-3', dueDate: addDays(today, -9), amount: 1000 }); // its call falls tomorrow
        // Tomorrow (UTC) is already today for a collector east of Greenwich.
        const [call] = (await inject('GET', `/v1/agenda?date=${tomorrow}`)).json().items;
        expect(call).toMatchObject({ kind: 'scenario_step', state: 'suggested' });

        const res = await inject('POST', '/v1/agenda/suggestions/done', { dedupeKey: call.dedupeKey });
        expect(res.statusCode).toBe(404);
        expect(res.json().code).toBe('AR_ERR_NOT_FOUND');
        expect(res.json().detail).toContain(`does not stand on ${today}`);
        expect(res.json().detail).toContain('"date"');
        expect(await f.actionsOf(db, customerId)).toEqual([]);
        const closed = await inject('POST', '/v1/agenda/suggestions/done', { dedupeKey: call.dedupeKey, date: tomorrow });
        expect(closed.statusCode).toBe(200);
      });
    });
  });
}
