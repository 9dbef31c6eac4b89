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
    const inject = async (method: 'GET' | 'POST', url: string) => {
      await whenCalm(t.app);
      return t.app.inject({ method, url, headers: auth('collector') });
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
  });
}
