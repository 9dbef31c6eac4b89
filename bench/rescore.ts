// Rescores a portfolio end to end (load histories, features, payment-delay and
// drift models, write computed fields) in a fresh PostgreSQL database filled
// set-based. Models are trained on a 5 % sample of customers first (not timed).
// A second run replaces every field the first wrote, as each night does after
// the first (`replaceSeconds`).
// Usage: npm run bench -- rescore [--customers 100000] [--invoices-per-customer 10]
import { parseArgs } from 'node:util';
import { freshDatabase, rssSampler } from './pg.js';
import { rescore } from '../src/scoring/rescore.js';
import { loadSlice } from '../src/scoring/histories.js';
import { paymentDelayModel, type PaymentDelayPredictor } from '../src/ml/payment-delay/index.js';
import { driftModel, type DriftPredictor } from '../src/ml/drift/index.js';

const { values } = parseArgs({
  options: {
    customers: { type: 'string', default: '100000' },
    'invoices-per-customer': { type: 'string', default: '10' },
  },
});
const C = Number(values.customers);
const K = Number(values['invoices-per-customer']);
const AS_OF = '2026-10-31';

const db = await freshDatabase('ar_bench_rescore');
try {
  const t0 = performance.now();
  // Each customer has a habitual delay; invoices monthly, the last two still open.
  await db.storage.db.exec(`
    INSERT INTO customers (external_id, name, segment, payment_terms_days, risk_score, payment_method)
    SELECT 'C' || g, 'Customer ' || g, (ARRAY['strategic','standard','small'])[1 + g % 3], 30, (g * 37) % 100,
           (ARRAY['transfer','cheque','card'])[1 + g % 3]
    FROM generate_series(1, ${C}) g;
    INSERT INTO invoices (external_id, customer_id, number, issue_date, due_date, amount, open_amount, settled_date, disputed)
    SELECT 'I' || c || '-' || k, c, 'F' || c || '-' || k, d, d + 30, a,
           CASE WHEN k > ${K - 2} THEN a ELSE 0 END,
           CASE WHEN k > ${K - 2} THEN NULL ELSE d + 30 + ((c % 15) - 3 + (k * 7 + c) % 5) END,
           (c * k) % 29 = 0
    FROM generate_series(1, ${C}) c, generate_series(1, ${K}) k,
         LATERAL (SELECT DATE '${AS_OF}' - (${K} - k) * 30 - 20 AS d, round((100 + (c * 31 + k * 17) % 5000)::numeric, 2) AS a) x;
    INSERT INTO payments (external_id, customer_id, payment_date, amount, method)
    SELECT 'P' || i.id, i.customer_id, i.settled_date, i.amount, (ARRAY['transfer','cheque','card'])[1 + i.customer_id % 3]
    FROM invoices i WHERE i.settled_date IS NOT NULL;
    INSERT INTO payment_allocations (external_id, payment_id, invoice_id, amount)
    SELECT 'A' || p.id, p.id, i.id, p.amount FROM payments p JOIN invoices i ON 'P' || i.id = p.external_id;
    ANALYZE;
  `);
  const t1 = performance.now();
  console.log(`portfolio: ${C} customers, ${C * K} invoices loaded in ${((t1 - t0) / 1000).toFixed(1)} s`);

  const sample = await loadSlice(db.storage.db, 1, Math.max(1, Math.round(C * 0.05)), AS_OF);
  const pdArtifact = await paymentDelayModel.train({ invoices: sample.invoices });
  const driftArtifact = await driftModel.train({ examples: [...sample.histories.values()].map((history) => ({ history })) });
  const models = {
    paymentDelay: { predictor: (await paymentDelayModel.load(pdArtifact)) as PaymentDelayPredictor, version: 'payment-delay@bench' },
    drift: { predictor: (await driftModel.load(driftArtifact)) as DriftPredictor, version: 'drift@bench' },
  };

  const rss = rssSampler();
  const run = async (label: string) => {
    const t = performance.now();
    let last = 0;
    const result = await rescore(db.storage.db, models, {
      asOf: AS_OF,
      onProgress: (f, msg) => {
        if (f - last >= 0.1) {
          last = f;
          console.log(`  ${label} ${(f * 100).toFixed(0)} %: ${msg} (${((performance.now() - t) / 1000).toFixed(1)} s)`);
        }
      },
    });
    return { result, seconds: Number(((performance.now() - t) / 1000).toFixed(2)) };
  };
  const first = await run('first run');
  // The nightly steady state: every field already there is replaced.
  const again = await run('next night');
  const { result } = first;
  console.log(JSON.stringify({
    bench: 'rescore', customers: result.customers, invoices: C * K, openInvoices: result.openInvoices,
    fieldsWritten: result.fieldsWritten, alerts: result.alerts, seconds: first.seconds, replaceSeconds: again.seconds, peakRssMb: rss.stop(),
  }));
} finally {
  await db.drop();
}
