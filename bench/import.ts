// Imports N invoices (and their customers) generated on the fly through the
// service's import path (parse → validate → COPY to staging → set-based
// upsert), then COPies the same rows raw into a twin table, in the same run.
// Usage: npm run bench -- import [--invoices 1000000] [--customers 50000] [--format ndjson|csv]
import { Readable } from 'node:stream';
import { findEntity } from '../src/ingest/entities.js';
import { importRecords } from '../src/ingest/load.js';
import { parseRecords, type ImportFormat } from '../src/ingest/parse.js';
import { freshDatabase, rssSampler } from './pg.js';
import { scriptOptions } from '../training/cli/options.js';

const values = scriptOptions({
  invoices: { type: 'string', default: '1000000' },
  customers: { type: 'string', default: '50000' },
  format: { type: 'string', default: 'ndjson' },
});
const N = Number(values.invoices);
const C = Number(values.customers);
const format = values.format as ImportFormat;

const pad = (n: number) => String(n).padStart(2, '0');
function invoiceFields(i: number) {
  const day = i % 700;
  const issue = new Date(Date.UTC(2025, 0, 1) + day * 86400000);
  const due = new Date(issue.getTime() + 30 * 86400000);
  const iso = (d: Date) => `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}`;
  const settled = i % 5 === 0 ? null : iso(new Date(due.getTime() + ((i * 7) % 40 - 10) * 86400000));
  return {
    externalId: `INV-${i}`, customer: i % C, number: `F${i}`, issueDate: iso(issue), dueDate: iso(due),
    amount: ((i * 7919) % 100000) / 10 + 10, settledDate: settled, disputed: i % 23 === 0,
  };
}

function* customerLines(): Generator<string> {
  if (format === 'csv') yield 'externalId,name,country,segment,riskScore\n';
  for (let c = 0; c < C; c++) {
    yield format === 'csv'
      ? `C-${c},Customer ${c},US,standard,${c % 100}\n`
      : JSON.stringify({ externalId: `C-${c}`, name: `Customer ${c}`, country: 'US', segment: 'standard', riskScore: c % 100 }) + '\n';
  }
}

function* invoiceLines(): Generator<string> {
  if (format === 'csv') yield 'externalId,customerExternalId,number,issueDate,dueDate,amount,settledDate,disputed\n';
  let chunk = '';
  for (let i = 0; i < N; i++) {
    const f = invoiceFields(i);
    chunk += format === 'csv'
      ? `${f.externalId},C-${f.customer},${f.number},${f.issueDate},${f.dueDate},${f.amount},${f.settledDate ?? ''},${f.disputed}\n`
      : JSON.stringify({ externalId: f.externalId, customerExternalId: `C-${f.customer}`, number: f.number, issueDate: f.issueDate,
        dueDate: f.dueDate, amount: f.amount, settledDate: f.settledDate, disputed: f.disputed }) + '\n';
    if ((i & 1023) === 1023) {
      yield chunk;
      chunk = '';
    }
  }
  if (chunk) yield chunk;
}

function* copyLines(customerIds: Map<string, number>): Generator<string> {
  let chunk = '';
  for (let i = 0; i < N; i++) {
    const f = invoiceFields(i);
    const open = f.settledDate ? 0 : f.amount;
    chunk += `${f.externalId}\t${customerIds.get(`C-${f.customer}`)}\t${f.number}\t${f.issueDate}\t${f.dueDate}\t${f.amount}\t${open}\t${f.settledDate ?? '\\N'}\t${f.disputed}\n`;
    if ((i & 1023) === 1023) {
      yield chunk;
      chunk = '';
    }
  }
  if (chunk) yield chunk;
}

const db = await freshDatabase('ar_bench_import');
try {
  const rss = rssSampler();
  // Each timed phase starts right after a checkpoint, so neither pays for the
  // other's dirty pages or meets a checkpoint the other did not.
  const checkpoint = () => db.storage.db.exec('CHECKPOINT').catch(() => console.log('  (CHECKPOINT needs a superuser: phases not aligned)'));
  await checkpoint();
  const t0 = performance.now();
  const customers = await importRecords(db.storage.db, findEntity('customers')!, parseRecords(Readable.from(customerLines()), format));
  const t1 = performance.now();
  let lastLog = 0;
  const invoices = await importRecords(db.storage.db, findEntity('invoices')!, parseRecords(Readable.from(invoiceLines()), format), {
    batchSize: 20_000,
    onProgress: (rows) => {
      if (rows - lastLog >= 200_000) {
        lastLog = rows;
        console.log(`  ${rows} invoices staged`);
      }
    },
  });
  const t2 = performance.now();
  const peakRssMb = rss.stop();
  console.log(`customers: ${customers.inserted} in ${((t1 - t0) / 1000).toFixed(1)} s; invoices: ${invoices.inserted} in ${((t2 - t1) / 1000).toFixed(1)} s`);

  // The same rows, raw: COPY straight into a twin of the invoices table.
  await db.storage.db.exec('CREATE TABLE invoices_raw (LIKE invoices INCLUDING ALL)');
  const ids = new Map((await db.storage.db.query<{ external_id: string; id: number }>('SELECT external_id, id FROM customers')).map((r) => [r.external_id, r.id]));
  const cols = ['external_id', 'customer_id', 'number', 'issue_date', 'due_date', 'amount', 'open_amount', 'settled_date', 'disputed'];
  await checkpoint();
  const t3 = performance.now();
  let batch: string[] = [];
  for (const chunk of copyLines(ids)) {
    batch.push(chunk);
    if (batch.length >= 20) {
      await db.storage.db.copyFrom('invoices_raw', cols, batch.join(''));
      batch = [];
    }
  }
  if (batch.length) await db.storage.db.copyFrom('invoices_raw', cols, batch.join(''));
  const t4 = performance.now();

  const seconds = (t2 - t0) / 1000;
  const rowsPerSec = Math.round(N / ((t2 - t1) / 1000));
  const copyRowsPerSec = Math.round(N / ((t4 - t3) / 1000));
  console.log(`raw COPY of the same ${N} invoices: ${((t4 - t3) / 1000).toFixed(1)} s`);
  console.log(JSON.stringify({
    bench: 'import', format, invoices: N, customers: C, seconds: Number(seconds.toFixed(2)), rowsPerSec, copyRowsPerSec,
    ratio: Number((rowsPerSec / copyRowsPerSec).toFixed(3)), peakRssMb,
  }));
} finally {
  await db.drop();
}
