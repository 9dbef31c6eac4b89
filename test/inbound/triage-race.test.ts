// A triage reads an email's text, an import changes it, the triage stores what
// it read: the old text's type, published as the email's triage, its customers
// counted by it. The triage stores only for the revision it read; the email,
// still due, is read again in the same run.
import { describe, it, expect, beforeAll, afterAll, beforeEach } from 'vitest';
import { backends, openTestStorage, postgresReachable, type TestStorage } from '../helpers/storage.js';
import { lockRace } from '../helpers/lock-race.js';
import { eventually } from '../helpers/eventually.js';
import { triageNewMessages } from '../../src/inbound/triage.js';
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
