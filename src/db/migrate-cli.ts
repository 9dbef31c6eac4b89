// Brings the configured database's schema up to date, as every service start
// does, and lists the migrations it records: for a deploy step that migrates
// before new API processes start.
//   npm run migrate        (DATABASE_URL, or the embedded PGlite in DATA_DIR)
import path from 'node:path';
import { loadConfig } from '../config.js';
import { openStorage } from './open.js';

const config = loadConfig();
const storage = await openStorage({ databaseUrl: config.databaseUrl, pgliteDir: path.join(config.dataDir, 'pglite') });
try {
  const rows = await storage.db.query<{ migration_name: string; finished_at: Date }>(
    'SELECT migration_name, finished_at FROM "_prisma_migrations" WHERE rolled_back_at IS NULL ORDER BY migration_name',
  );
  console.log(JSON.stringify({ database: storage.location, migrations: rows.map((r) => r.migration_name) }));
} finally {
  await storage.close();
}
