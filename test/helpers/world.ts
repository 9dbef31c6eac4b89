// A small synthetic world (ground truth included), written once per test file
// and imported through the import path.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { generateWorld, writeWorld } from '../../src/world/index.js';
import { importDirectory } from '../../src/ingest/import-dir.js';
import type { Db } from '../../src/db/sql.js';

export const WORLD_END = '2026-10-31';

export function smallWorldDir(customers = 80, months = 14, seed = 11): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ar-world-'));
  writeWorld(generateWorld({ customers, months, seed, endDate: WORLD_END }), dir);
  return dir;
}

export async function importSmallWorld(db: Db, dir: string) {
  return importDirectory(db, dir);
}
