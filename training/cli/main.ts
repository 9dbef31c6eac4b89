// Opens the configured storage and models folder for a CLI command, runs it,
// closes everything and exits with the command's code.
import path from 'node:path';
import { loadConfig, type Config } from '../../src/config.js';
import { openStorage, type Storage } from '../../src/db/open.js';
import { StorageLockedError } from '../../src/db/lock.js';
import { ModelMonitor } from '../../src/ml/monitoring/monitor.js';
import { ModelRegistry } from '../../src/ml/registry/index.js';
import { cliCatalogue } from './datasets.js';
import { serviceCatalogue } from '../../src/scoring/catalogue.js';
import type { CliDeps } from './run.js';
import { EXIT } from './exit-codes.js';

const warnings = { info() {}, warn: (o: object, m?: string) => process.stderr.write(`warning: ${m ?? ''} ${JSON.stringify(o)}\n`), error: (o: object, m?: string) => process.stderr.write(`error: ${m ?? ''} ${JSON.stringify(o)}\n`) };

/** Why the command could not start, in one line: a setting (no config yet), the embedded database's lock, or the database. */
function startProblem(err: unknown, config: Config | null): string {
  const message = (err as Error).message;
  if (config === null || err instanceof StorageLockedError) return message;
  return `the database could not be opened (${config.databaseUrl ? 'check DATABASE_URL' : 'the embedded one, under DATA_DIR'}): ${message}`;
}

export async function main(command: (argv: string[], deps: CliDeps) => Promise<number>): Promise<void> {
  let config: Config | null = null;
  let storage: Storage;
  try {
    config = loadConfig();
    storage = await openStorage({ databaseUrl: config.databaseUrl, pgliteDir: path.join(config.dataDir, 'pglite') });
  } catch (err) {
    // The machine's set-up, not a bug of the command (a server down, a typo in a setting): said plainly, no stack.
    process.stderr.write(`error: ${startProblem(err, config)}\n`);
    process.exitCode = EXIT.USAGE;
    return;
  }
  let code: number = EXIT.FAILED;
  try {
    const registry = new ModelRegistry({ db: storage.db, modelsDir: config.modelsDir, catalogue: cliCatalogue(serviceCatalogue(storage.db)), log: warnings });
    const monitor = new ModelMonitor({ db: storage.db, registry, log: warnings });
    code = await command(process.argv.slice(2), { registry, monitor, out: process.stdout, err: process.stderr });
  } finally {
    await storage.close();
  }
  process.exitCode = code;
}
