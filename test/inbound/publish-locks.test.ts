// The triage's publisher and an import that sends the same emails again both
// lock those rows until they commit. Taken in different orders, each waited for
// the other and PostgreSQL cancelled one of them (a deadlock).
import { Readable } from 'node:stream';
import { describe, it, expect } from 'vitest';
import { postgresReachable } from '../helpers/storage.js';
import { lockRace } from '../helpers/lock-race.js';
import { eventually } from '../helpers/eventually.js';
import { importRecords } from '../../src/ingest/load.js';
import { findEntity } from '../../src/ingest/entities.js';
import { parseRecords } from '../../src/ingest/parse.js';
import { publishTriaged } from '../../src/inbound/triage.js';
import { ndjson } from '../ingest/factories.js';
import * as f from '../agenda/factories.js';

// Sent again from another address: a changed text would have the emails triaged again (and published again).
const email = (externalId: string, sender = 'ap@customer.example') => ({ externalId, receivedAt: '2026-12-01T09:00:00Z', sender, subject: 'copy please', body: 'Please send a copy' });

describe.skipIf(!(await postgresReachable()))('when an import sends emails again while the triage publishes them, on PostgreSQL', () => {
  const locks = lockRace();

  const importEmails = (rows: object[]) =>
    importRecords(locks.db, findEntity('inbound-messages')!, parseRecords(Readable.from([ndjson(rows)]), 'ndjson'));
  const idOf = async (externalId: string) =>
    (await locks.db.query<{ id: number }>('SELECT id FROM inbound_messages WHERE external_id = $1', [externalId]))[0].id;
  const triaged = async (externalId: string) =>
    f.computedField(locks.db, { entityType: 'inbound', entityId: await idOf(externalId), name: 'inboundType', value: 'invoice_copy' });
  /**
   * Emails A < G < B by id, then 300 published ones: G published too, A and
   * B triaged and waiting for the publisher, which then hashes the two and
   * scans the table. The gate holds G; the import (sending `order`) takes
   * what it can and waits for G; the publisher runs; the gate lets go.
   */
  async function race(order: string[], arrange: () => Promise<void> = async () => undefined) {
    await importEmails([email('A'), email('G'), email('B')]);
    await triaged('G');
    expect(await publishTriaged(locks.db)).toBe(1);
    await triaged('A');
    await triaged('B');
    await arrange();
    await locks.db.query(`INSERT INTO inbound_messages (external_id, received_at, subject, body, triage_seq)
      SELECT 'OLD-' || g, '2026-11-01T09:00:00Z', 'copy please', 'Hello', nextval('inbound_messages_triage_seq') FROM generate_series(1, 300) g`);
    await locks.db.query('ANALYZE inbound_messages, computed_fields');

    await locks.gate.query('BEGIN');
    await locks.gate.query("SELECT 1 FROM inbound_messages WHERE external_id = 'G' FOR UPDATE");
    const importing = importEmails(order.map((id) => email(id, 'accounts@customer.example')));
    await eventually(async () => expect(await locks.waitingForLocks()).toBe(1));
    let published = false;
    const publishing = publishTriaged(locks.db).finally(() => (published = true));
    // Either the publisher is done, or it waits for the import (which, before the fix, held one of its rows).
    await eventually(async () => expect(published || (await locks.waitingForLocks()) === 2).toBe(true));
    await locks.gate.query('COMMIT');
    const outcome = (r: PromiseSettledResult<unknown>) => (r.status === 'fulfilled' ? r.value : String(r.reason));
    return (await Promise.allSettled([importing, publishing])).map(outcome);
  }

  const seqs = async () => Object.fromEntries((await locks.db.query<{ external_id: string; triage_seq: number | null }>(
    "SELECT external_id, triage_seq FROM inbound_messages WHERE external_id IN ('A', 'G', 'B')",
  )).map((r) => [r.external_id, r.triage_seq]));

  it('completes both when the file sends the emails in the reverse of their id order', async () => {
    const [imported, published] = await race(['B', 'G', 'A']);
    expect(imported).toMatchObject({ updated: 3 });
    expect(published).toBe(2);
    const seq = await seqs();
    expect(seq.A).toBeGreaterThan(seq.G!);
    expect(seq.B).toBe(seq.A! + 1);
  });

  it('completes both when the publisher meets the later email first in the table', async () => {
    // B's row rewritten, then A's: a scan of the table meets B before A.
    const rewrite = async () => {
      await locks.db.query("UPDATE inbound_messages SET body = body WHERE external_id = 'B'");
      await locks.db.query("UPDATE inbound_messages SET body = body WHERE external_id = 'A'");
    };
    const [imported, published] = await race(['A', 'G', 'B'], rewrite);
    expect(imported).toMatchObject({ updated: 3 });
    expect(published).toBe(2);
    const seq = await seqs();
    expect(seq.B).toBe(seq.A! + 1);
  });
});
