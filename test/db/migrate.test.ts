import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { migrate, readMigrations, MIGRATIONS_DIR } from '../../src/db/migrate.js';
import { backends, openTestStorage, type TestStorage } from '../helpers/storage.js';

describe.each(await backends())('migrations on %s', (backend) => {
  let storage: TestStorage;
  beforeAll(async () => {
    storage = await openTestStorage(backend);
  });
  afterAll(async () => storage.close());

  it('records every migration the way prisma migrate deploy does', async () => {
    const files = await readMigrations();
    const rows = await storage.db.query<{ migration_name: string; checksum: string; finished_at: unknown; applied_steps_count: number }>(
      'SELECT migration_name, checksum, finished_at, applied_steps_count FROM "_prisma_migrations" ORDER BY migration_name',
    );
    expect(rows.map((r) => r.migration_name)).toEqual(files.map((f) => f.name));
    for (const [i, f] of files.entries()) {
      const sql = fs.readFileSync(path.join(MIGRATIONS_DIR, f.name, 'migration.sql'));
      expect(rows[i].checksum).toBe(crypto.createHash('sha256').update(sql).digest('hex'));
      expect(rows[i].finished_at).not.toBeNull();
    }
  });

  it('applies nothing the second time', async () => {
    expect((await migrate(storage.db)).applied).toEqual([]);
  });

  it('refuses a migration edited after it was applied', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mig-'));
    const [first] = await readMigrations();
    fs.mkdirSync(path.join(dir, first.name));
    fs.writeFileSync(path.join(dir, first.name, 'migration.sql'), first.sql + '\n-- edited\n');
    await expect(migrate(storage.db, dir)).rejects.toThrow(/edited after it was applied/);
  });

  it('matches the Prisma schema: every model can be read through Prisma', async () => {
    const p = storage.prisma;
    // findFirst selects every scalar column of the model: a missing or renamed column fails here.
    const reads = [
      p.collector.findFirst(), p.dunningScenario.findFirst(), p.customerGroup.findFirst(), p.groupMember.findFirst(),
      p.customer.findFirst(), p.invoice.findFirst(), p.payment.findFirst(), p.paymentAllocation.findFirst(),
      p.communication.findFirst(), p.inboundMessage.findFirst(), p.incentiveOffer.findFirst(),
      p.externalEvent.findFirst(), p.action.findFirst(), p.computedField.findFirst(), p.importBatch.findFirst(),
      p.serviceState.findFirst(), p.localJob.findFirst(), p.modelVersion.findFirst(), p.modelFile.findFirst(), p.assignmentMemberChange.findFirst(), p.lockChange.findFirst(),
    ];
    await expect(Promise.all(reads)).resolves.toBeDefined();
  });
});
