// Rescores a portfolio end to end (load histories, features, payment-delay and
// drift models, write computed fields) in a fresh PostgreSQL database filled
// set-based. Models are trained on a 5 % sample of customers first (not timed).
// A second run replaces every field the first wrote, as each night does after
// the first (`replaceSeconds`). With `--models all` the portfolio also gets
// reminders (two emails per invoice, opens, replies, proxy opens) and incentive
// offers on late invoices, and the send-time and incentives models are served
// too: every customer-level model of the nightly refresh. Last, the cash
// forecast report (13 weeks, whole portfolio) is timed on the same portfolio:
// it scores every open invoice on request (`cashForecastSeconds`).
// Each rescoring tallies what every model scores against its serving reference,
// as the refresh does (rescoreWatchingInputs): the references are built from
// the training sample as training builds them from its holdout (not timed), and
// the checks are printed (`inputDriftChecks`, from the first run). `--no-watch`
// rescores without them, to see what the tallies cost.
// Usage: npm run bench -- rescore [--customers 100000] [--invoices-per-customer 10] [--models behaviour|all] [--slice-size 2500] (0, the default: the backend's own) [--no-watch]
import { freshDatabase, rssSampler } from './pg.js';
import { seedPortfolio } from './portfolio.js';
import { rescoreWatchingInputs } from '../src/pipeline/input-drift.js';
import { MemoryMonitor } from '../src/ml/monitoring/memory-monitor.js';
import { servingReference } from '../src/ml/registry/index.js';
import type { Artifact } from '../src/ml/model.js';
import { scoringCatalogue } from '../src/scoring/scoring-catalogue.js';
import { loadSlice } from '../src/scoring/histories.js';
import type { ServedModel } from '../src/scoring/rescore.js';
import { paymentDelayModel, type PaymentDelayPredictor } from '../src/ml/payment-delay/index.js';
import { driftModel, type DriftPredictor } from '../src/ml/drift/index.js';
import { sendTimeModel, type SendTimePredictor } from '../src/ml/send-time/index.js';
import { incentiveModel, type IncentivePredictor } from '../src/ml/incentives/index.js';
import { incentiveCustomer, sendTimeInput } from '../src/scoring/behaviour-inputs.js';
import { cashForecastReport } from '../src/reports/cash-forecast.js';
import { orUsageExit, scriptOptions, UsageError } from '../training/cli/options.js';

const values = scriptOptions({
  customers: { type: 'string', default: '100000' },
  'invoices-per-customer': { type: 'string', default: '10' },
  models: { type: 'string', default: 'behaviour' },
  // A whole number, which the options check as they do counts; 0 leaves the size to rescore().
  'slice-size': { type: 'string', default: '0' },
  watch: { type: 'boolean', default: true },
});
orUsageExit(() => {
  if (values.models !== 'behaviour' && values.models !== 'all') throw new UsageError(`--models takes behaviour or all, got "${values.models}"`);
});
const ALL = values.models === 'all';
const C = Number(values.customers);
const K = Number(values['invoices-per-customer']);
const AS_OF = '2026-10-31';

const db = await freshDatabase('ar_bench_rescore');
try {
  const t0 = performance.now();
  await seedPortfolio(db.storage.db, { customers: C, invoicesPerCustomer: K, asOf: AS_OF });
  if (ALL) {
    // A courtesy email 5 days before the due date and a reminder 3 days after
    // it when still unpaid, at hours that vary; people open about two in three
    // and answer one in four, a tenth of customers behind a privacy proxy.
    await db.storage.db.exec(`
      INSERT INTO communications (external_id, customer_id, invoice_external_ids, channel, level, template, sent_at,
                                  opened_at, machine_open, replied_at)
      SELECT 'M' || i.id || '-' || s.step, i.customer_id, ARRAY[i.external_id], 'email', s.step, 'reminder-' || s.step, x.sent,
             CASE WHEN i.customer_id % 10 = 0 THEN x.sent + interval '2 minutes'
                  WHEN (i.id + s.step) % 3 <> 0 THEN x.sent + interval '90 minutes' END,
             i.customer_id % 10 = 0,
             CASE WHEN (i.customer_id * s.step + i.id) % 4 = 0 THEN x.sent + interval '5 hours' END
      FROM invoices i, (VALUES (1, -5), (2, 3)) s(step, offset_days),
           LATERAL (SELECT (i.due_date + s.offset_days)::timestamp + make_interval(hours => 6 + (i.id * 7 + s.step) % 12) AS sent) x
      WHERE s.step = 1 OR i.settled_date IS NULL OR i.settled_date > i.due_date + 3;
      INSERT INTO incentive_offers (external_id, customer_id, lever, offered_at, invoice_external_ids, propensity, outcome, outcome_at, days_to_pay)
      SELECT 'O' || i.id, i.customer_id,
             (ARRAY['discount','late_penalty','card_payment','collection_agency','service_termination'])[1 + (i.customer_id + i.id) % 5],
             (i.due_date + 7)::timestamp, ARRAY[i.external_id], 0.2,
             CASE WHEN i.settled_date IS NULL THEN 'ignored' ELSE 'paid' END,
             i.settled_date::timestamp, i.settled_date - (i.due_date + 7)
      FROM invoices i WHERE i.settled_date IS NULL AND i.due_date < DATE '${AS_OF}' - 7 OR i.settled_date > i.due_date + 7;
    `);
  }
  await db.storage.db.exec('ANALYZE');
  const t1 = performance.now();
  console.log(`portfolio: ${C} customers, ${C * K} invoices loaded in ${((t1 - t0) / 1000).toFixed(1)} s`);

  const sample = await loadSlice(db.storage.db, 1, Math.max(1, Math.round(C * 0.05)), AS_OF);
  const catalogue = scoringCatalogue(db.storage.db, () => AS_OF);
  const references: Record<string, ReturnType<typeof servingReference>> = {};
  let referenceMs = 0;
  // The sample stands for the holdout a training would keep: the reference is the book as the version first served it.
  const served = async <D>(model: string, artifact: Artifact, holdout: D) => {
    const t = performance.now();
    if (values.watch) references[model] = servingReference(catalogue[model], artifact, holdout);
    referenceMs += performance.now() - t;
    return { predictor: await catalogue[model].kind.load(artifact), version: `${model}@bench` };
  };
  const pdData = { invoices: sample.invoices };
  const driftData = { examples: [...sample.histories.values()].map((history) => ({ history })) };
  const models = {
    paymentDelay: (await served('payment-delay', await paymentDelayModel.train(pdData), pdData)) as ServedModel<PaymentDelayPredictor>,
    drift: (await served('drift', await driftModel.train(driftData), driftData)) as ServedModel<DriftPredictor>,
    ...(ALL ? await behaviourModels(sample, served) : {}),
  };
  const referenceSeconds = Number((referenceMs / 1000).toFixed(2));
  const monitor = values.watch ? new MemoryMonitor(references) : undefined;

  const rss = rssSampler();
  const run = async (label: string) => {
    const t = performance.now();
    let last = 0;
    const { scoring: result, inputDrift } = await rescoreWatchingInputs(db.storage.db, models, monitor, {
      asOf: AS_OF,
      ...(Number(values['slice-size']) > 0 ? { sliceSize: Number(values['slice-size']) } : {}),
      onProgress: (f, msg) => {
        if (f - last >= 0.1) {
          last = f;
          console.log(`  ${label} ${(f * 100).toFixed(0)} %: ${msg} (${((performance.now() - t) / 1000).toFixed(1)} s)`);
        }
      },
    });
    return { result, inputDrift, seconds: Number(((performance.now() - t) / 1000).toFixed(2)) };
  };
  const first = await run('first run');
  // The nightly steady state: every field already there is replaced.
  const again = await run('next night');
  const { result, inputDrift } = first;
  const tf = performance.now();
  const forecast = await cashForecastReport(db.storage.db, models.paymentDelay, {
    asOf: AS_OF,
    weeks: 13,
    scope: { groupBy: 'portfolio', collector: null, segment: null, currency: null },
  });
  const cashForecastSeconds = Number(((performance.now() - tf) / 1000).toFixed(2));
  console.log(`cash forecast: ${forecast.groups[0].openInvoices} open invoices in ${cashForecastSeconds} s`);
  console.log(JSON.stringify({
    bench: 'rescore', models: result.models.length, customers: result.customers, invoices: C * K, openInvoices: result.openInvoices,
    fieldsWritten: result.fieldsWritten, alerts: result.alerts, seconds: first.seconds, replaceSeconds: again.seconds, cashForecastSeconds, peakRssMb: rss.stop(),
    watch: values.watch, referenceSeconds,
    inputDriftChecks: inputDrift.map((c) => ({ model: c.model, rows: c.rows, maxPsi: Number(c.maxPsi.toFixed(4)), alert: c.alert, shifted: c.shifted })),
  }));
} finally {
  await db.drop();
}

async function behaviourModels(sample: Awaited<ReturnType<typeof loadSlice>>, served: <D>(model: string, artifact: Artifact, holdout: D) => Promise<ServedModel<unknown>>) {
  // The log of a send-time holdout ends where the data does: the reference's snapshot days count back from it.
  const stData = { customers: sample.customers.map((c) => sendTimeInput(sample, c, AS_OF)), logEnd: AS_OF };
  const incData = { customers: sample.customers.map((c) => incentiveCustomer(sample, c, AS_OF)) };
  return {
    sendTime: (await served('send-time', await sendTimeModel.train({ customers: stData.customers }), stData)) as ServedModel<SendTimePredictor>,
    incentives: (await served('incentives', await incentiveModel.train(incData), incData)) as ServedModel<IncentivePredictor>,
  };
}
