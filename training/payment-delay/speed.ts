// How fast features + scoring run on a large synthetic portfolio.
//   npx tsx training/payment-delay/speed.ts [--customers 100000] [--invoices 10]
// The portfolio is SYNTHETIC (generated here with a known per-customer mean delay);
// it measures time and memory only, not accuracy. Prints a final JSON line.
import { performance } from 'node:perf_hooks';
import { isoOfDay, dayOf } from '../../src/ml/payment-delay/dates.js';
import { forEachFeatureRow } from '../../src/ml/payment-delay/features.js';
import { fitPaymentDelay, issueDateTargets } from '../../src/ml/payment-delay/fit.js';
import { PaymentDelayPredictor } from '../../src/ml/payment-delay/predictor.js';
import type { FeatureRequest, InvoiceRecord } from '../../src/ml/payment-delay/types.js';
import { mulberry32 } from '../../src/util/random.js';
import { scriptOptions } from '../cli/options.js';

// Options, as the other speed scripts take them: a bare number was read by its place, a typo as NaN.
const values = scriptOptions({ customers: { type: 'string', default: '100000' }, invoices: { type: 'string', default: '10' } });
const customers = Number(values.customers);
const perCustomer = Number(values.invoices);
const random = mulberry32(11);
const normal = (): number => Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
const asOfDay = dayOf('2024-06-30');

/** Truth: each customer pays `base` days after due ± 5, +12 when disputed; invoices issued over the last year. */
function portfolio(): InvoiceRecord[] {
  const out: InvoiceRecord[] = [];
  for (let c = 0; c < customers; c++) {
    const base = normal() * 10;
    for (let i = 0; i < perCustomer; i++) {
      const issue = asOfDay - 365 + Math.floor(((i + random()) * 365) / perCustomer);
      const disputed = random() < 0.15;
      const settle = issue + 30 + Math.max(-30, Math.round(base + (disputed ? 12 : 0) + 5 * normal()));
      out.push({
        invoiceId: `${c}-${i}`,
        customerId: `C${c}`,
        segment: `S${c % 7}`,
        issueDate: isoOfDay(issue),
        dueDate: isoOfDay(issue + 30),
        amount: Math.round(100 + 900 * random()),
        disputed,
        settledDate: settle < asOfDay ? isoOfDay(settle) : null,
        paperless: random() < 0.5,
        paymentTermsDays: 30,
      });
    }
  }
  return out;
}

let t = performance.now();
const invoices = portfolio();
const generateSeconds = (performance.now() - t) / 1000;
const fitOn = invoices.slice(0, Math.min(invoices.length, 50_000));
t = performance.now();
const predictor = new PaymentDelayPredictor(fitPaymentDelay(fitOn, issueDateTargets(fitOn)));
const trainSeconds = (performance.now() - t) / 1000;

// Every invoice scored as of its issue date: the heaviest case (1 request per invoice).
const requests: FeatureRequest[] = invoices.map((invoice) => ({ invoice, asOf: invoice.issueDate }));
t = performance.now();
let checksum = 0;
forEachFeatureRow(invoices, requests, predictor.state.features, (_i, row) => {
  checksum += row[2];
});
const featureSeconds = (performance.now() - t) / 1000;

t = performance.now();
let late = 0;
predictor.scoreRequests(invoices, requests, (_i, p) => {
  late += p.value.lateProbability;
}, { reasons: false });
const scoreSeconds = (performance.now() - t) / 1000;

t = performance.now();
let reasons = 0;
predictor.scoreRequests(invoices, requests, (_i, p) => {
  reasons += p.reasons.length;
});
const scoreWithReasonsSeconds = (performance.now() - t) / 1000;

// Every invoice re-scored 10 days after its due date as if still unpaid: the
// conditioned (truncated) distribution, the costliest path of a nightly run.
const overdue: FeatureRequest[] = invoices.map((invoice) => ({ invoice: { ...invoice, settledDate: null }, asOf: isoOfDay(dayOf(invoice.dueDate) + 10) }));
t = performance.now();
predictor.scoreRequests(invoices, overdue, () => {});
const scoreOverdueSeconds = (performance.now() - t) / 1000;

const peakRssMb = Math.round(process.resourceUsage().maxRSS / 1024);
console.log(`${invoices.length} invoices of ${customers} customers: features ${featureSeconds.toFixed(1)} s, features+scores ${scoreSeconds.toFixed(1)} s, with reasons ${scoreWithReasonsSeconds.toFixed(1)} s, overdue re-scoring with reasons ${scoreOverdueSeconds.toFixed(1)} s (mean P(late) ${(late / requests.length).toFixed(3)}, ${(reasons / requests.length).toFixed(1)} reasons each, checksum ${checksum.toFixed(0)})`);
console.log(JSON.stringify({ invoices: invoices.length, customers, generateSeconds, trainSeconds, featureSeconds, scoreSeconds, scoreWithReasonsSeconds, scoreOverdueSeconds, peakRssMb }));
