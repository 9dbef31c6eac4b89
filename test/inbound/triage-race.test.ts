// A triage reads an email's text, an import changes it, the triage stores what
// it read: the old text's type, published as the email's triage, its customers
// counted by it. The triage stores only for the revision it read; the email,
// still due, is read again in the same run.
import { describe, it, expect, beforeAll, afterAll, beforeEach } from 'vitest';
import { backends, openTestStorage, postgresReachable, type TestStorage } from '../helpers/storage.js';
import { lockRace } from '../helpers/lock-race.js';
import { eventually } from '../helpers/eventually.js';
import { Readable } from 'node:stream';
import { triageEmails, triageNewMessages } from '../../src/inbound/triage.js';
import { findEntity } from '../../src/ingest/entities.js';
import { importRecords } from '../../src/ingest/load.js';
import { parseRecords } from '../../src/ingest/parse.js';
import { ndjson } from '../ingest/factories.js';
import type { Db } from '../../src/db/sql.js';
import * as f from '../agenda/factories.js';
import { landingAfterRead, readingTriage, sendEmail } from './stub-triage.js';

const read: string[] = [];
const triage = readingTriage(read);

const stored = async (db: Db) => (await db.query<{ type: string | null; seq: number | null; revision: number; triagedRevision: number }>(
  `SELECT t.value_text AS type, m.triage_seq AS seq, m.revision, m.triaged_revision AS "triagedRevision" FROM inbound_messages m
   LEFT JOIN computed_fields t ON t.entity_type = 'inbound' AND t.entity_id = m.id AND t.name = 'inboundType' WHERE m.external_id = 'M1'`,
))[0];
const openDisputes = async (db: Db, customerId: number) => (await db.query<{ v: number }>(
  "SELECT value_num AS v FROM computed_fields WHERE entity_type = 'customer' AND name = 'openDisputes' AND entity_id = $1", [customerId],
))[0]?.v;

for (const backend of await backends()) {
  describe(`when an import changes an email between the triage's read and its store, on ${backend}`, () => {
    let s: TestStorage;
    let customer: number;
    beforeAll(async () => { s = await openTestStorage(backend); });
    afterAll(async () => s.close());
    beforeEach(async () => {
      await f.wipe(s.db);
      read.length = 0;
      customer = await f.customer(s.db, { externalId: 'A' });
    });

    it('stores the triage of the text the import left, for an email not triaged yet', async () => {
      await sendEmail(s.db, 'A', 'The amount is wrong');
      await triageNewMessages(landingAfterRead(s.db, async () => { await sendEmail(s.db, 'A', 'Paid today, thanks'); }), triage);
      expect(read).toEqual(['The amount is wrong', 'Paid today, thanks']);
      expect(await stored(s.db)).toMatchObject({ type: 'other', revision: 1, triagedRevision: 1 });
      expect((await stored(s.db)).seq).not.toBeNull();
      expect(await openDisputes(s.db, customer)).toBe(0);
    });

    it('stores the triage of the text the import left, for an email whose triage it made stale', async () => {
      await sendEmail(s.db, 'A', 'Paid today, thanks');
      await triageNewMessages(s.db, triage);
      await sendEmail(s.db, 'A', 'The amount is wrong');
      await triageNewMessages(landingAfterRead(s.db, async () => { await sendEmail(s.db, 'A', 'Paid today, thanks again'); }), triage);
      expect(read).toEqual(['Paid today, thanks', 'The amount is wrong', 'Paid today, thanks again']);
      expect(await stored(s.db)).toMatchObject({ type: 'other', revision: 2, triagedRevision: 2 });
      expect(await openDisputes(s.db, customer)).toBe(0);
    });
  });
}

describe.skipIf(!(await postgresReachable()))('when an import changing an email commits while the triage waits to store, on PostgreSQL', () => {
  const locks = lockRace();

  it('stores the triage of the text the import committed', async () => {
    const customer = await f.customer(locks.db, { externalId: 'A' });
    read.length = 0;
    await sendEmail(locks.db, 'A', 'The amount is wrong');
    let triaged = false;
    let waited = false;
    let importing!: Promise<unknown>;
    // The import has changed the row and holds it; it commits once the triage waits for it (or, failing that, is done).
    const land = async () => {
      let reached!: () => void;
      const changed = new Promise<void>((resolve) => { reached = resolve; });
      let release!: () => void;
      const released = new Promise<void>((resolve) => { release = resolve; });
      importing = sendEmail(locks.db, 'A', 'Paid today, thanks', { beforeCommit: async () => { reached(); await released; } });
      await changed;
      void eventually(async () => {
        waited ||= (await locks.waitingForLocks()) > 0;
        expect(triaged || waited).toBe(true);
      }, 30_000).then(release, release);
    };
    await triageNewMessages(landingAfterRead(locks.db, land), triage).finally(() => { triaged = true; });
    await importing;
    expect(waited).toBe(true);
    expect(read).toEqual(['The amount is wrong', 'Paid today, thanks']);
    expect(await stored(locks.db)).toMatchObject({ type: 'other', revision: 1, triagedRevision: 1 });
    expect(await openDisputes(locks.db, customer)).toBe(0);
  });
});

describe.skipIf(!(await postgresReachable()))("when an import's triage commits while the refresh recounts the same customer, on PostgreSQL", () => {
  const locks = lockRace();

  /** `db`, but `pause` runs before (or, `after`, once done) the first statement `matches`, in or out of a transaction. */
  function pausing(db: Db, matches: (sql: string) => boolean, pause: () => Promise<void>, after = false): Db {
    let paused = false;
    const hooked = <Q extends Pick<Db, 'query'>>(q: Q): Q => new Proxy(q, {
      get: (target, key) => (key !== 'query' ? Reflect.get(target, key, target) : async (sql: string, params?: unknown[]) => {
        const hit = !paused && matches(sql);
        if (hit) paused = true;
        if (hit && !after) await pause();
        const rows = await target.query(sql, params);
        if (hit && after) await pause();
        return rows;
      }),
    });
    return new Proxy(hooked(db), {
      get: (target, key) => (key === 'transaction'
        ? (fn: (tx: never) => Promise<unknown>) => db.transaction((tx) => fn(hooked(tx) as never))
        : Reflect.get(target, key, target)),
    });
  }
  const gate = () => {
    let open!: () => void;
    const opened = new Promise<void>((resolve) => { open = resolve; });
    return { open, opened };
  };

  it("counts the import's email: the refresh's recount, read before that triage committed, does not write over it", async () => {
    const customer = await f.customer(locks.db, { externalId: 'A' });
    await sendEmail(locks.db, 'A', 'The amount is wrong');
    await triageNewMessages(locks.db, triage);
    expect(await openDisputes(locks.db, customer)).toBe(1);
    // The refresh has found nothing to triage and is about to recount the customers with disputes.
    const refreshAt = gate();
    const refreshGoes = gate();
    const refreshing = triageNewMessages(pausing(locks.db, (sql) => sql.includes('value_num > 0'), async () => { refreshAt.open(); await refreshGoes.opened; }), triage);
    await refreshAt.opened;
    // Another email of A's, a dispute, imported and triaged by its import, which has recounted A and not committed yet.
    await importRecords(locks.db, findEntity('inbound-messages')!, parseRecords(Readable.from([ndjson([{
      externalId: 'M2', customerExternalId: 'A', receivedAt: new Date(Date.now() - 3_600_000).toISOString(), subject: 'Invoice F-2', body: 'This is wrong too' }])]), 'ndjson'));
    const [{ id }] = await locks.db.query<{ id: number }>("SELECT id FROM inbound_messages WHERE external_id = 'M2'");
    const importAt = gate();
    const importGoes = gate();
    const importing = triageEmails(pausing(locks.db, (sql) => sql.includes('INSERT INTO computed_fields') && sql.includes('sentimentTrend'),
      async () => { importAt.open(); await importGoes.opened; }, true), triage, [id]);
    await importAt.opened;
    // The refresh recounts now, and waits for the import's transaction.
    refreshGoes.open();
    await eventually(async () => expect(await locks.waitingForLocks()).toBeGreaterThan(0), 10_000);
    importGoes.open();
    expect((await importing).messages).toBe(1);
    await refreshing;
    expect(await openDisputes(locks.db, customer)).toBe(2);
  });
});
