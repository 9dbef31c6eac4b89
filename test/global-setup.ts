// One scratch folder per test run, removed when the run ends: the workers
// inherit TMPDIR, so the temporary worlds, migration folders and uploads tests
// make (os.tmpdir()) go there instead of piling up in /tmp.
//
// It also holds one migrated PGlite database, dumped: every in-memory test
// database starts from it (test/helpers/storage.ts). A fresh PGlite spends
// about 2 s in initdb, and the suite opens a few hundred of them.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { pgliteDb } from '../src/db/pglite.js';
import { migrate } from '../src/db/migrate.js';
import { PGLITE_SNAPSHOT_ENV } from './helpers/pglite-snapshot.js';

async function dumpMigratedPglite(file: string): Promise<void> {
  const client = await PGlite.create('memory://');
  try {
    await migrate(pgliteDb(client));
    fs.writeFileSync(file, Buffer.from(await (await client.dumpDataDir('none')).arrayBuffer()));
  } finally {
    await client.close();
  }
}

export default async function setup(): Promise<() => void> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ar-test-run-'));
  process.env.TMPDIR = dir;
  const snapshot = path.join(dir, 'pglite-migrated.tar');
  await dumpMigratedPglite(snapshot);
  process.env[PGLITE_SNAPSHOT_ENV] = snapshot;
  return () => fs.rmSync(dir, { recursive: true, force: true });
}
