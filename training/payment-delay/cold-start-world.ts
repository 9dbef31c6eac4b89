// Cold start on the synthetic world, where new customers can be held out at will:
// customer 5-fold, each held-out customer's invoices scored as of their issue date.
//   npx tsx training/world.ts --customers 2000 --months 24 --seed 1 --end-date 2026-10-31 --out /tmp/ar-coldstart-world-seed1
//   npx tsx training/payment-delay/cold-start-world.ts --world /tmp/ar-coldstart-world-seed1 [--segment segment|country]
// The world's segments (small / standard / large / strategic) hold hundreds of
// customers each, except strategic (a few dozen customers, two invoices a week);
// --segment country instead gives many segments of a few customers, as the IBM file's countries.
// Prints a table, then one JSON line.
import { forecastMetrics } from '../../src/ml/payment-delay/evaluation.js';
import { coldStartLines, coldStartMetrics, scoreByCustomerFolds } from './cold-start.js';
import { hasDueDayAtom, labelOf, paidOnDueBusinessDay } from '../../src/ml/payment-delay/priors.js';
import { loadWorldInvoices, type WorldSegmentField } from './world-invoices.js';
import { scriptOptions } from '../cli/options.js';

const values = scriptOptions({ world: { type: 'string' }, segment: { type: 'string', default: 'segment' } });
if (!values.world) {
  console.error('usage: cold-start-world.ts --world DIR [--segment segment|country]');
  process.exit(2);
}
const segmentField = values.segment as WorldSegmentField;
const all = loadWorldInvoices(values.world, segmentField);
const grouped = scoreByCustomerFolds(all);
const overall = forecastMetrics(grouped.scored);
const none = coldStartMetrics(all, grouped, 0);
const upToTwo = coldStartMetrics(all, grouped, 2);
const segments = new Set(all.map((inv) => inv.segment)).size;
const labeled = all.filter((inv) => inv.settledDate != null).map((invoice) => ({ invoice, offset: labelOf(invoice) }));
const dueDayShare = labeled.filter(paidOnDueBusinessDay).length / labeled.length;
console.log(`world ${values.world}: ${all.length} invoices, ${new Set(all.map((i) => i.customerId)).size} customers, ${segments} segments (${segmentField})`);
console.log(`customer 5-fold, every held-out invoice: n ${overall.n}  AUC ${overall.auc.toFixed(4)}  Brier ${overall.brier.toFixed(4)}  ECE ${overall.ece.toFixed(4)}  RMSE dts ${overall.rmseDaysToSettle.toFixed(2)}`);
for (const line of coldStartLines([['no settled invoice yet', none], ['at most 2 settled invoices', upToTwo]])) console.log(line);
console.log(JSON.stringify({
  dataset: 'world', world: values.world, segment: segmentField, dueDayAtom: hasDueDayAtom(labeled), dueDayShare, groupedAuc: overall.auc, groupedBrier: overall.brier, groupedEce: overall.ece, groupedRmseDaysToSettle: overall.rmseDaysToSettle,
  coldStartN: none.n, coldStartAuc: none.auc, coldStartWithinFoldAuc: none.withinFoldAuc, coldStartSegmentPriorAuc: none.segmentPriorAuc, coldStartRmseDaysToSettle: none.rmseDaysToSettle,
  coldStartMeanPredictedLate: none.meanPredictedLate, coldStartObservedLateRate: none.observedLateRate,
  coldStart2N: upToTwo.n, coldStart2Auc: upToTwo.auc, coldStart2WithinFoldAuc: upToTwo.withinFoldAuc, coldStart2RmseDaysToSettle: upToTwo.rmseDaysToSettle,
  coldStart2MeanPredictedLate: upToTwo.meanPredictedLate, coldStart2ObservedLateRate: upToTwo.observedLateRate,
}));
