// The migrated PGlite database global-setup dumps once per run, for every
// in-memory test database to start from. Read once per test file.
import fs from 'node:fs';

export const PGLITE_SNAPSHOT_ENV = 'TEST_PGLITE_SNAPSHOT';

let snapshot: Blob | undefined;

/** The dump, or undefined when the run has none (a file run outside vitest's global setup). */
export function migratedPgliteSnapshot(): Blob | undefined {
  const file = process.env[PGLITE_SNAPSHOT_ENV];
  if (!file || !fs.existsSync(file)) return undefined;
  snapshot ??= new Blob([fs.readFileSync(file)]);
  return snapshot;
}
