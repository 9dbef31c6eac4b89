// An import of a few emails triages them itself, once committed, so the feed,
// saved searches and rules read their triage without waiting for the refresh;
// a large one leaves them to the refresh; a triage that cannot run never
// fails the import. On both backends.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, it, expect, beforeAll, afterAll, beforeEach } from 'vitest';
import { backends, openTestStorage, type TestStorage } from '../helpers/storage.js';
import { makeImportHandler, type ImportJobData } from '../../src/ingest/import-job.js';
import { importTriage } from '../../src/inbound/import-triage.js';
import { triageEmails, triageNewMessages } from '../../src/inbound/triage.js';
import { AR_ERR } from '../../src/errors.js';
import type { Db } from '../../src/db/sql.js';
import type { ModelServer } from '../../src/ml/registry/index.js';
import * as f from '../agenda/factories.js';
import { ndjson } from '../ingest/factories.js';
import { landingAfterRead, readingTriage } from './stub-triage.js';

const read: string[] = [];
const triage = readingTriage(read);
const serving = (model: unknown) => ({ get: () => model }) as unknown as ModelServer;
const failing = (err: Error) => ({ get: () => { throw err; } }) as unknown as ModelServer;
const yesterday = new Date(Date.now() - 86_400_000).toISOString();

for (const backend of await backends()) {
  describe(`when the platform imports emails, on ${backend}`, () => {
    let s: TestStorage;
    let dir: string;
    let spooled = 0;
    let customer: number;
    beforeAll(async () => {
      s = await openTestStorage(backend);
      dir = fs.mkdtempSync(path.join(os.tmpdir(), 'import-triage-'));
    });
    afterAll(async () => {
      await s.close();
      fs.rmSync(dir, { recursive: true, force: true });
    });
    beforeEach(async () => {
      await f.wipe(s.db);
      read.length = 0;
      customer = await f.customer(s.db, { externalId: 'A' });
    });

    /** Imports `bodies` as emails M1, M2, ... of customer A through the import job. */
    async function send(bodies: string[], server: ModelServer = serving(triage), max = 100, db: Db = s.db) {
      const file = path.join(dir, `upload-${spooled++}.ndjson`);
      fs.writeFileSync(file, ndjson(bodies.map((body, i) => ({ externalId: `M${i + 1}`, customerExternalId: 'A', receivedAt: yesterday, subject: 'Invoice F-1', body }))));
      const data: ImportJobData = { entity: 'inbound-messages', format: 'ndjson', file, bytes: fs.statSync(file).size };
      const ctx = { id: `job-${spooled}`, type: 'import', data, progress: async () => undefined, signal: new AbortController().signal };
      return makeImportHandler(db, async () => null, undefined, importTriage(db, server, max))(ctx);
    }
    const stored = async (externalId = 'M1') => (await s.db.query<{ type: string | null; seq: number | null; stale: boolean }>(
      `SELECT t.value_text AS type, m.triage_seq AS seq, m.triaged_revision < m.revision AS stale FROM inbound_messages m
       LEFT JOIN computed_fields t ON t.entity_type = 'inbound' AND t.entity_id = m.id AND t.name = 'inboundType' WHERE m.external_id = $1`,
      [externalId],
    ))[0];
    const openDisputes = async () => (await s.db.query<{ v: number }>(
      "SELECT value_num AS v FROM computed_fields WHERE entity_type = 'customer' AND name = 'openDisputes' AND entity_id = $1", [customer],
    ))[0]?.v;

    it('triages a few emails itself, published and counted for their customer, leaving the refresh none to read', async () => {
      const result = await send(['The amount is wrong', 'Paid today, thanks']);
      expect(result).toMatchObject({ inserted: 2, triage: { triaged: 2, deferred: null } });
      expect(await stored('M1')).toMatchObject({ type: 'dispute', stale: false, seq: expect.any(Number) });
      expect(await stored('M2')).toMatchObject({ type: 'other', stale: false });
      expect(await openDisputes()).toBe(1);
      await triageNewMessages(s.db, triage);
      expect(read).toEqual(['The amount is wrong', 'Paid today, thanks']);
    });

    it('replaces the triage of an email sent again with another text at once: not stale until the refresh', async () => {
      await send(['The amount is wrong']);
      const first = await stored();
      expect((await send(['Paid today, thanks'])).triage).toEqual({ triaged: 1, deferred: null });
      const again = await stored();
      expect(again).toMatchObject({ type: 'other', stale: false });
      expect(again.seq).toBeGreaterThan(first.seq!);
      expect(await openDisputes()).toBe(0);
    });

    it('triages nothing again for emails sent again as they were (a daily sync)', async () => {
      await send(['The amount is wrong', 'Paid today, thanks']);
      expect(await send(['The amount is wrong', 'Paid today, thanks'])).toMatchObject({ unchanged: 2, triage: { triaged: 0, deferred: null } });
      expect(read).toHaveLength(2);
    });

    it('leaves more emails than its limit to the refresh, and says so', async () => {
      const result = await send(['The amount is wrong', 'Paid today, thanks', 'Paid'], serving(triage), 2);
      expect(result.triage).toEqual({ triaged: 0, deferred: expect.stringContaining('more than INBOUND_IMPORT_TRIAGE_MAX (2)') });
      expect(read).toEqual([]);
      expect(await stored()).toMatchObject({ type: null, seq: null });
      expect((await triageNewMessages(s.db, triage)).messages).toBe(3);
    });

    it('stores the emails, untriaged, when no inbound model is served, and says so', async () => {
      const result = await send(['The amount is wrong'], failing(AR_ERR.MODEL_NOT_READY(['inbound-triage'])));
      expect(result).toMatchObject({ inserted: 1, triage: { triaged: 0, deferred: expect.stringContaining('no inbound-triage model is served') } });
      expect(await stored()).toMatchObject({ type: null, seq: null });
    });

    it('stores the emails when the model fails, and the refresh triages them', async () => {
      const broken = { version: 'broken-1', predictor: { predict: () => { throw new Error('tensor shape mismatch'); } } };
      const result = await send(['The amount is wrong'], serving(broken));
      expect(result).toMatchObject({ inserted: 1, triage: { triaged: 0, deferred: expect.stringContaining('tensor shape mismatch') } });
      expect(await stored()).toMatchObject({ type: null, seq: null });
      expect((await triageNewMessages(s.db, triage)).messages).toBe(1);
      expect(await stored()).toMatchObject({ type: 'dispute', stale: false });
    });

    it('stores nothing when the recount of its customers fails, and the refresh triages and counts them', async () => {
      // The database refuses the customer's openDisputes row, as it would a full disk or a lost connection at that statement.
      await s.db.exec(`CREATE FUNCTION refuse_count() RETURNS trigger LANGUAGE plpgsql AS $$
          BEGIN RAISE EXCEPTION 'no room for the count'; END $$;
        CREATE TRIGGER refuse_count BEFORE INSERT ON computed_fields FOR EACH ROW
          WHEN (NEW.entity_type = 'customer' AND NEW.name = 'openDisputes') EXECUTE FUNCTION refuse_count();`);
      try {
        const result = await send(['The amount is wrong']);
        expect(result).toMatchObject({ inserted: 1, triage: { triaged: 0, deferred: expect.stringContaining('no room for the count') } });
        expect(await stored()).toMatchObject({ type: null, seq: null });
      } finally {
        await s.db.exec('DROP TRIGGER refuse_count ON computed_fields; DROP FUNCTION refuse_count();');
      }
      expect((await triageNewMessages(s.db, triage)).messages).toBe(1);
      expect(await stored()).toMatchObject({ type: 'dispute', stale: false, seq: expect.any(Number) });
      expect(await openDisputes()).toBe(1);
    });

    it("stores nothing for an email another import changed after the triage read it: that import's triage stores its text", async () => {
      await send(['Paid today, thanks']);
      const racing = landingAfterRead(s.db, async () => { await send(['Paid today, thanks again']); });
      const result = await send(['The amount is wrong'], serving(triage), 100, racing);
      expect(result.triage).toEqual({ triaged: 0, deferred: null });
      // Read, then the other import lands and triages its text, then the model reads the old one.
      expect(read).toEqual(['Paid today, thanks', 'Paid today, thanks again', 'The amount is wrong']);
      expect(await stored()).toMatchObject({ type: 'other', stale: false });
      expect(await openDisputes()).toBe(0);
    });

    it("publishes an email once when the import's triage and the refresh's read it at once", async () => {
      await send(['The amount is wrong'], serving(triage), 0);
      const [{ id }] = await s.db.query<{ id: number }>("SELECT id FROM inbound_messages WHERE external_id = 'M1'");
      let published: number | null = null;
      const racing = landingAfterRead(s.db, async () => {
        await triageNewMessages(s.db, triage);
        published = (await stored()).seq;
      });
      expect((await triageEmails(racing, triage, [id])).messages).toBe(0);
      expect(read).toHaveLength(2);
      expect(published).not.toBeNull();
      expect((await stored()).seq).toBe(published);
      expect(await openDisputes()).toBe(1);
    });
  });
}
