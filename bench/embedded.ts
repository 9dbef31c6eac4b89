// The first start on the embedded default, stage by stage: what `npm start`
// does on an empty data folder (PGlite, jobs in process): generate the demo
// world, import it, train every model, install the strategy, score, assign and
// plan. Then the requests that read whole slices on demand: the cash forecast
// and one slice load of every customer. PGlite plans without the statistics a
// PostgreSQL server keeps, so a query that is fast there can nested-loop here
// (session 7: a slice load went from 3 s to 163 s, the demo from 84 s to
// 763 s); the rescore bench runs on PostgreSQL and cannot see that. Last, a
// one-invoice import as the AR platform sends it: when its answer is ready, and
// the longest the event loop (HTTP answers, /health/live) waited while the
// refresh it sets off ran in the same process.
// Usage: npm run bench -- embedded [--customers 2000] [--keep DIR]
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pino from 'pino';
import { loadConfig } from '../src/config.js';
import { buildServices } from '../src/services.js';
import { bootstrap, StartupProgress } from '../src/demo/bootstrap.js';
import { cashForecastReport } from '../src/reports/cash-forecast.js';
import { loadSlice } from '../src/scoring/histories.js';
import { today } from '../src/scoring/catalogue.js';
import { served } from '../src/pipeline/served.js';
import type { PaymentDelayPredictor } from '../src/ml/payment-delay/index.js';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import type { ImportJobData, ImportJobResult } from '../src/ingest/import-job.js';
import type { Services } from '../src/services.js';
import { rssSampler } from './pg.js';
import { scriptOptions } from '../training/cli/options.js';

const values = scriptOptions({ customers: { type: 'string', default: '2000' }, keep: { type: 'string' } });

/** A one-row import and the refresh it sets off, timed, with the event loop's longest wait meanwhile. */
async function importOneInvoice(services: Services, dir: string) {
  const { db } = services.storage;
  const [first] = await db.query<{ external_id: string }>('SELECT external_id FROM customers ORDER BY id LIMIT 1');
  const day = today();
  const file = path.join(dir, 'one-invoice.ndjson');
  const row = { externalId: `BENCH-${Date.now()}`, customerExternalId: first.external_id, number: 'BENCH-1', issueDate: day, dueDate: day, amount: 1234.5 };
  fs.writeFileSync(file, `${JSON.stringify(row)}\n`);
  const loop = monitorEventLoopDelay({ resolution: 10 });
  loop.enable();
  const t = performance.now();
  const id = await services.jobs.enqueueLocal<ImportJobData>('import', { entity: 'invoices', format: 'ndjson', file, bytes: fs.statSync(file).size });
  const imported = await services.jobs.waitFor(id);
  if (imported.state !== 'completed') throw new Error(`the one-invoice import ${imported.state}: ${imported.error?.message}`);
  const importAnswerSeconds = seconds(t);
  const { refreshJobId } = imported.result as ImportJobResult;
  if (refreshJobId) await services.jobs.waitFor(refreshJobId);
  const refreshSeconds = seconds(t);
  loop.disable();
  return { importAnswerSeconds, refreshSeconds, maxLoopStallMs: Math.round(loop.max / 1e6) };
}

/** Seconds spent in each stage the start-up reports, in order. */
class TimedProgress extends StartupProgress {
  readonly stages: { stage: string; seconds: number }[] = [];
  private current: { stage: string; at: number } | null = null;

  override stage(what: string): void {
    // The import reports each entity once it is in: the time up to then was spent importing it.
    const imported = /^imported (.+)$/.exec(what);
    if (imported && this.current) this.current.stage = `importing ${imported[1]}`;
    this.close();
    this.current = { stage: what, at: performance.now() };
    super.stage(what);
  }

  override finished(): void {
    this.close();
    super.finished();
  }

  private close(): void {
    // The moment between the last import and the next stage is no stage of its own.
    if (this.current && !this.current.stage.startsWith('imported ')) {
      this.stages.push({ stage: this.current.stage, seconds: seconds(this.current.at) });
    }
    this.current = null;
  }
}

const seconds = (since: number) => Number(((performance.now() - since) / 1000).toFixed(2));

const dir = values.keep ? path.resolve(values.keep) : fs.mkdtempSync(path.join(os.tmpdir(), 'ar-bench-embedded-'));
const config = loadConfig({
  PATH: process.env.PATH,
  NIGHTLY_CRON: 'off',
  RETRAIN_CRON: 'off',
  LOG_LEVEL: 'warn',
  DATA_DIR: dir,
  MODELS_DIR: path.join(dir, 'models'),
  DEMO_CUSTOMERS: values.customers,
});
const log = pino({ level: 'warn' });
const rss = rssSampler();
const services = await buildServices(config, { work: true, log });
try {
  const progress = new TimedProgress();
  const t0 = performance.now();
  await bootstrap(services, log, progress);
  const demoSeconds = seconds(t0);

  const { db } = services.storage;
  const [{ customers, invoices }] = await db.query<{ customers: number; invoices: number }>(
    'SELECT (SELECT count(*)::int FROM customers) AS customers, (SELECT count(*)::int FROM invoices) AS invoices',
  );
  const t1 = performance.now();
  const model = served<PaymentDelayPredictor>(services.models.server, 'payment-delay');
  await cashForecastReport(db, model, { asOf: today(), weeks: 13, scope: { groupBy: 'portfolio', collector: null, segment: null, currency: null } });
  const cashForecastSeconds = seconds(t1);
  const t2 = performance.now();
  const [{ max }] = await db.query<{ max: number }>('SELECT coalesce(max(id), 0)::int AS max FROM customers');
  await loadSlice(db, 1, max, today());
  const sliceLoadSeconds = seconds(t2);

  const oneImport = await importOneInvoice(services, dir);

  for (const s of progress.stages) console.log(`${s.seconds.toFixed(2).padStart(8)} s  ${s.stage}`);
  console.log(`cash forecast ${cashForecastSeconds} s, one slice of all ${customers} customers ${sliceLoadSeconds} s`);
  console.log(`one-invoice import answered in ${oneImport.importAnswerSeconds} s; the refresh it set off took ${oneImport.refreshSeconds} s, the event loop waited at most ${oneImport.maxLoopStallMs} ms`);
  console.log(JSON.stringify({
    bench: 'embedded', customers, invoices, demoSeconds, cashForecastSeconds, sliceLoadSeconds, ...oneImport,
    slowestStage: [...progress.stages].sort((a, b) => b.seconds - a.seconds)[0], peakRssMb: rss.stop(),
  }));
} finally {
  await services.close();
  if (!values.keep) fs.rmSync(dir, { recursive: true, force: true });
}
