// POST /v1/score/invoices as the AR platform calls it: a batch of new
// invoices, each of a different known customer, scored against their stored
// history (nothing written). The cost is the history load, not the model:
// read customer by customer it grew with the batch (about 1.3-2.1 s for
// 1,000 customers on PostgreSQL), read in one pass it does not.
//   npm run bench -- score-invoices [--customers 1000] [--backend postgres|pglite] [--runs 3]
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { generateWorld, writeWorld } from '../src/world/index.js';
import { importDirectory } from '../src/ingest/import-dir.js';
import { openStorage } from '../src/db/open.js';
import { paymentDelayDataset } from '../src/scoring/datasets.js';
import { paymentDelayModel } from '../src/ml/payment-delay/index.js';
import { scoreInvoices, type InvoiceToScore } from '../src/scoring/on-demand.js';
import type { ServedModel } from '../src/scoring/rescore.js';
import { freshDatabase } from './pg.js';
import { scriptOptions } from '../training/cli/options.js';

const END = '2026-10-31';
const values = scriptOptions({
  customers: { type: 'string', default: '1000' },
  backend: { type: 'string', default: 'postgres' },
  runs: { type: 'string', default: '3' },
});
const customers = Number(values.customers);

async function pglite(dir: string) {
  const storage = await openStorage({ databaseUrl: null, pgliteDir: dir });
  return { storage, drop: () => storage.close() };
}
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'ar-bench-score-'));
const database = values.backend === 'pglite'
  ? await pglite(path.join(tmp, 'pglite'))
  : await freshDatabase('ar_bench_score');
const { db } = database.storage;
try {
  writeWorld(generateWorld({ customers, months: 14, seed: 5, endDate: END }), path.join(tmp, 'world'));
  await importDirectory(db, path.join(tmp, 'world'));
  const dataset = await paymentDelayDataset(db, END);
  const model = { predictor: await paymentDelayModel.load(await paymentDelayModel.train(dataset.train)), version: 'bench' };
  const known = await db.query<{ external_id: string }>('SELECT external_id FROM customers ORDER BY id');
  const batch: InvoiceToScore[] = known.map((c, i) => ({
    externalId: `BENCH-${i}`, customerExternalId: c.external_id, issueDate: '2026-10-01', dueDate: '2026-10-31', amount: 1000,
  }));
  const [{ n: history }] = await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM invoices WHERE kind = 'invoice'`);
  const seconds: number[] = [];
  for (let run = 0; run < Number(values.runs); run++) {
    const started = performance.now();
    await scoreInvoices(db, model as ServedModel<never>, batch, END);
    seconds.push(Number(((performance.now() - started) / 1000).toFixed(3)));
    console.log(`run ${run + 1}: ${batch.length} invoices of ${batch.length} customers (${history} stored invoices) in ${seconds.at(-1)} s`);
  }
  console.log(JSON.stringify({ backend: values.backend, invoices: batch.length, storedInvoices: history, seconds }));
} finally {
  await database.drop();
  fs.rmSync(tmp, { recursive: true, force: true });
}
