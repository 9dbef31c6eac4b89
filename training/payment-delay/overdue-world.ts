// The payment date of invoices already overdue, on the synthetic world: what a
// collector reads on an invoice still unpaid some days after its due date.
// Customer 5-fold; every held-out invoice settled at least --days-overdue days
// after its due date is scored as of that day (so it is known to be unpaid
// then), and the settlement compared with the forecast's P10 / P50 / P90 and
// mean, by payment method (direct debit or not) and dispute. A direct debit
// unpaid after its due date is a failed debit (the world collects it again
// 5-14 days later) or a disputed invoice.
//   npx tsx training/world.ts --customers 2000 --months 24 --seed 1 --end-date 2026-10-31 --out /tmp/ar-coldstart-world-seed1
//   npx tsx training/payment-delay/overdue-world.ts --world /tmp/ar-coldstart-world-seed1 [--days-overdue 3]
// Prints a table, then one JSON line.
import { dayOf, isoOfDay } from '../../src/ml/payment-delay/dates.js';
import { DEFAULT_OPTIONS, fitPaymentDelay, issueDateTargets } from '../../src/ml/payment-delay/fit.js';
import { PaymentDelayPredictor } from '../../src/ml/payment-delay/predictor.js';
import type { FeatureRequest, InvoiceRecord } from '../../src/ml/payment-delay/types.js';
import { customerFolds } from './baselines.js';
import { loadWorldInvoices } from './world-invoices.js';
import { scriptOptions } from '../cli/options.js';

const values = scriptOptions({ world: { type: 'string' }, 'days-overdue': { type: 'string', default: '3' } });
if (!values.world) {
  console.error('usage: overdue-world.ts --world DIR [--days-overdue 3]');
  process.exit(2);
}
const overdue = Number(values['days-overdue']);

interface Scored {
  group: string;
  actual: number;
  p10: number;
  p50: number;
  p90: number;
  mean: number;
}

function groupOf(inv: InvoiceRecord): string {
  return `${inv.paymentMethod === 'direct_debit' ? 'direct debit' : 'other methods'}${inv.disputed ? ', disputed' : ''}`;
}

const all = loadWorldInvoices(values.world);
const foldOf = customerFolds(all, 5);
const scored: Scored[] = [];
for (let f = 0; f < 5; f++) {
  const fitOn = all.filter((inv) => foldOf.get(inv.customerId) !== f);
  const heldOut = all.filter((inv) => foldOf.get(inv.customerId) === f);
  const predictor = new PaymentDelayPredictor(fitPaymentDelay(fitOn, issueDateTargets(fitOn), DEFAULT_OPTIONS));
  const targets: FeatureRequest[] = heldOut
    .filter((inv) => inv.settledDate != null && dayOf(inv.settledDate) - dayOf(inv.dueDate) >= overdue)
    .map((invoice) => ({ invoice, asOf: isoOfDay(dayOf(invoice.dueDate) + overdue) }));
  predictor.scoreRequests(heldOut, targets, (r, { value }) => {
    const inv = targets[r].invoice;
    const due = dayOf(inv.dueDate);
    scored.push({
      group: groupOf(inv),
      actual: dayOf(inv.settledDate!) - due,
      p10: dayOf(value.p10) - due,
      p50: dayOf(value.p50) - due,
      p90: dayOf(value.p90) - due,
      mean: value.expectedDaysAfterDue,
    });
  }, { reasons: false });
}

const r3 = (x: number) => Math.round(x * 1000) / 1000;
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[xs.length >> 1];
const groups = [...new Set(scored.map((s) => s.group))].sort().map((group) => {
  const rows = scored.filter((s) => s.group === group);
  const n = rows.length;
  return {
    group,
    n,
    belowP10: r3(rows.filter((s) => s.actual < s.p10).length / n),
    aboveP90: r3(rows.filter((s) => s.actual > s.p90).length / n),
    maeP50: r3(rows.reduce((sum, s) => sum + Math.abs(s.actual - s.p50), 0) / n),
    rmseMean: r3(Math.sqrt(rows.reduce((sum, s) => sum + (s.actual - s.mean) ** 2, 0) / n)),
    medianActual: median(rows.map((s) => s.actual)),
    medianP50: median(rows.map((s) => s.p50)),
  };
});
console.log(`world ${values.world}: invoices settled ${overdue}+ days after due, scored ${overdue} days after due (customer 5-fold); days after due`);
console.log('group                      n  below P10  above P90  MAE P50  RMSE mean  median actual  median P50');
for (const g of groups) {
  console.log(
    `${g.group.padEnd(24)} ${String(g.n).padStart(5)}  ${g.belowP10.toFixed(3).padStart(9)}  ${g.aboveP90.toFixed(3).padStart(9)}  ${g.maeP50.toFixed(2).padStart(7)}  ${g.rmseMean.toFixed(2).padStart(9)}  ${String(g.medianActual).padStart(13)}  ${String(g.medianP50).padStart(10)}`,
  );
}
console.log(JSON.stringify({ dataset: 'world', world: values.world, daysOverdue: overdue, groups }));
