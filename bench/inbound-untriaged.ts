// `npm run bench -- inbound-untriaged [emails] [customers] [runs]`: a first page
// of GET /v1/inbound/messages with every email still untriaged (a portfolio's
// history imported before any model was trained), its count of the emails it
// leaves out capped (UNTRIAGED_COUNT_CAP) and not, on PGlite and PostgreSQL.
import { openStorage, type Storage } from '../src/db/open.js';
import { listWithUntriaged, UNTRIAGED_COUNT_CAP, type InboundListQuery } from '../src/inbound/messages.js';
import { freshDatabase } from './pg.js';

const [emails = 200_000, customers = 2_000, runs = 21] = process.argv.slice(2).map(Number);
const UNCAPPED = Number.MAX_SAFE_INTEGER;

async function seed(storage: Storage) {
  const db = storage.db;
  await db.query(`INSERT INTO collectors (external_id, name) SELECT 'COL-' || n, 'Collector ' || n FROM generate_series(1, 10) n`);
  await db.query(
    `INSERT INTO customers (external_id, name, collector_id)
     SELECT 'CUS-' || n, 'Customer ' || n, (SELECT id FROM collectors WHERE external_id = 'COL-' || (1 + n % 10)) FROM generate_series(1, $1::int) n`,
    [customers],
  );
  await db.query(
    `INSERT INTO inbound_messages (external_id, customer_id, received_at, subject, body)
     SELECT 'E-' || n, (SELECT min(id) FROM customers) + n % $2::int, timestamptz '2026-01-01' + n * interval '1 minute', 'Invoice', 'Hello'
     FROM generate_series(1, $1::int) n`,
    [emails, customers],
  );
  await db.query('ANALYZE');
  const [{ id }] = await db.query<{ id: number }>("SELECT id FROM collectors WHERE external_id = 'COL-1'");
  return id;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

async function time(storage: Storage, q: InboundListQuery, cap: number) {
  const ms: number[] = [];
  let count = 0;
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    ({ waiting: { count } } = await listWithUntriaged(storage.db, q, cap));
    ms.push(performance.now() - t0);
  }
  return { ms: Math.round(median(ms) * 10) / 10, count };
}

async function measure(storage: Storage) {
  const collectorId = await seed(storage);
  const out: Record<string, unknown> = {};
  for (const [scope, q] of [['portfolio', { limit: 100 }], ['collector', { limit: 100, collectorId }]] as const) {
    // Alternated, so a machine busier in one half does not favour either.
    const capped = await time(storage, q, UNTRIAGED_COUNT_CAP);
    const uncapped = await time(storage, q, UNCAPPED);
    out[scope] = { cappedMs: capped.ms, cappedCount: capped.count, uncappedMs: uncapped.ms, uncappedCount: uncapped.count };
    console.log(`${storage.kind} ${scope}: ${capped.ms} ms capped (count ${capped.count}), ${uncapped.ms} ms uncapped (count ${uncapped.count})`);
  }
  return out;
}

const pglite = await openStorage({ databaseUrl: null, pgliteDir: 'memory://' });
let pgliteFigures;
try {
  pgliteFigures = await measure(pglite);
} finally {
  await pglite.close();
}
const pg = await freshDatabase('ar_bench_untriaged');
let postgresFigures;
try {
  postgresFigures = await measure(pg.storage);
} finally {
  await pg.drop();
}
console.log(JSON.stringify({ bench: 'inbound-untriaged', emails, customers, runs, cap: UNTRIAGED_COUNT_CAP, pglite: pgliteFigures, postgres: postgresFigures }));
