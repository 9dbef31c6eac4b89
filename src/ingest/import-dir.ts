// Imports a folder of `<entity>.ndjson` / `<entity>.csv` files in the order
// references require, through the same path as the API. Used by the demo on
// first start, the CLI and the benches.
import fs from 'node:fs';
import path from 'node:path';
import type { Db } from '../db/sql.js';
import { ENTITIES } from './entities.js';
import { importRecords, type ImportResult } from './load.js';
import { parseRecords } from './parse.js';

export async function importDirectory(
  db: Db,
  dir: string,
  onEntity: (result: ImportResult) => void | Promise<void> = () => undefined,
): Promise<ImportResult[]> {
  const results: ImportResult[] = [];
  for (const entity of ENTITIES) {
    for (const format of ['ndjson', 'csv'] as const) {
      const file = path.join(dir, `${entity.name}.${format}`);
      if (!fs.existsSync(file) || fs.statSync(file).size === 0) continue;
      const result = await importRecords(db, entity, parseRecords(fs.createReadStream(file), format));
      results.push(result);
      await onEntity(result);
    }
  }
  return results;
}
