// Training: a hierarchical (empirical-Bayes) delay model.
// 1. invoice effects (dispute, paper) from within-customer comparisons;
// 2. portfolio / segment priors and the shrinkage pseudo-count;
// 3. leak-free features of every training invoice as of its own issue date;
// 4. ridge regression of the payment offset (location), then of the absolute
//    residual (scale), and the shape of the standardized residuals.
// The class probabilities and quantiles all come from that one distribution, so
// they agree with each other and can be conditioned at scoring time.
import { dayOf, isoOfDay } from './dates.js';
import { PaymentDelayInputError } from './errors.js';
import { buildFeatureTable, type BaseColumn } from './features.js';
import { fitRidge, predictLinear, type LinearModel } from './linear.js';
import { fitShape, shapeMean, type ResidualShape } from './distribution.js';
import { fitFeatureConfig, fitInvoiceEffects, labelOf, type Labeled } from './priors.js';
import type { FeatureConfig } from './features.js';
import type { FeatureRequest, InvoiceRecord, IsoDate } from './types.js';

export const STATE_VERSION = 1;

export interface PaymentDelayOptions {
  /**
   * Use the scored invoice's own dispute flag. A dispute is often raised only
   * after issue, so a model scoring at issue may not know it; past disputes in the
   * customer's history are used either way.
   */
  useDisputed: boolean;
  /** Ridge penalty on standardized weights. */
  ridge: number;
}

export const DEFAULT_OPTIONS: PaymentDelayOptions = { useDisputed: true, ridge: 1e-3 };

export interface PaymentDelayState {
  kind: 'payment-delay';
  version: number;
  options: PaymentDelayOptions;
  features: FeatureConfig;
  /** Feature columns the weights index into, to refuse a mismatched artifact. */
  columns: string[];
  location: LinearModel;
  /** Predicts the absolute residual; × √(π/2) gives a normal-equivalent scale. */
  dispersion: LinearModel;
  /** Smallest scale allowed, days. */
  scaleFloor: number;
  shape: ResidualShape;
  shapeMean: number;
  trainedOn: { invoices: number; customers: number; firstIssue: IsoDate; lastIssue: IsoDate };
}

const LOCATION_COLUMNS: readonly BaseColumn[] = [
  'historyWeight', 'customerEffect', 'customerSpread', 'lateRate', 'meanDaysLate', 'recentMedianOffset', 'trend',
  'lateRateDisputed', 'lateRateUndisputed', 'meanDaysLateDisputed', 'meanDaysLateUndisputed', 'disputeRate', 'disputed',
  'sentOnPaper', 'channelUnknown', 'logAmountRatio', 'termsDays', 'openCount', 'openAmountRatio', 'oldestOpenDaysOverdue',
  'promiseKeptRate', 'replyRate', 'externalRisk', 'externalRiskMissing', 'dueMonthSin', 'dueMonthCos', 'dueAtQuarterEnd',
];

const DISPERSION_COLUMNS: readonly BaseColumn[] = ['customerSpread', 'historyWeight', 'disputed', 'sentOnPaper'];

const HALF_NORMAL = Math.sqrt(Math.PI / 2);

/** Training targets: every settled invoice, each as of its own issue date. */
export function issueDateTargets(invoices: readonly InvoiceRecord[]): FeatureRequest[] {
  return invoices.filter((inv) => inv.settledDate != null).map((invoice) => ({ invoice, asOf: invoice.issueDate }));
}

export function columnsFor(names: readonly string[], allColumns: readonly string[], useDisputed: boolean): { index: number; name: string }[] {
  return names
    .filter((name) => useDisputed || name !== 'disputed')
    .map((name) => ({ name, index: allColumns.indexOf(name) }))
    .filter((c) => c.index >= 0);
}

/** Scale of the payment-date distribution for one feature row. */
export function scaleOf(state: Pick<PaymentDelayState, 'dispersion' | 'scaleFloor'>, row: Float64Array): number {
  return Math.max(predictLinear(state.dispersion, row) * HALF_NORMAL, state.scaleFloor);
}

export function fitPaymentDelay(
  history: readonly InvoiceRecord[],
  targets: readonly FeatureRequest[],
  options: PaymentDelayOptions = DEFAULT_OPTIONS,
): PaymentDelayState {
  if (targets.length < 20) throw new PaymentDelayInputError(`need at least 20 settled invoices to train, got ${targets.length}`);
  const labeled: Labeled[] = targets.map(({ invoice }) => ({ invoice, offset: labelOf(invoice) }));
  const features = fitFeatureConfig(labeled, fitInvoiceEffects(labeled));
  const table = buildFeatureTable(history, targets, features);
  const width = table.columns.length;
  const offsets = Float64Array.from(labeled, (l) => l.offset);

  const methodColumns = table.columns.filter((c) => c.startsWith('paymentMethod:'));
  const location = fitRidge({
    ...table,
    width,
    columns: columnsFor([...LOCATION_COLUMNS, ...methodColumns], table.columns, options.useDisputed),
    target: offsets,
    lambda: options.ridge,
  });

  const absResidual = new Float64Array(table.rows);
  const residual = new Float64Array(table.rows);
  for (let r = 0; r < table.rows; r++) {
    residual[r] = offsets[r] - predictLinear(location, table.values.subarray(r * width, (r + 1) * width));
    absResidual[r] = Math.abs(residual[r]);
  }
  const dispersion = fitRidge({
    ...table,
    width,
    columns: columnsFor(DISPERSION_COLUMNS, table.columns, options.useDisputed),
    target: absResidual,
    lambda: options.ridge,
  });
  const meanAbs = absResidual.reduce((a, b) => a + b, 0) / table.rows;
  const partial = { dispersion, scaleFloor: Math.max(0.25 * meanAbs * HALF_NORMAL, 0.5) };
  const standardized = residual.map((e, r) => e / scaleOf(partial, table.values.subarray(r * width, (r + 1) * width)));
  const shape = fitShape(standardized);

  const issueDays = targets.map((t) => dayOf(t.invoice.issueDate));
  return {
    kind: 'payment-delay',
    version: STATE_VERSION,
    options,
    features,
    columns: table.columns,
    location,
    ...partial,
    shape,
    shapeMean: shapeMean(shape),
    trainedOn: {
      invoices: targets.length,
      customers: new Set(targets.map((t) => t.invoice.customerId)).size,
      firstIssue: isoOfDay(issueDays.reduce((a, b) => Math.min(a, b))),
      lastIssue: isoOfDay(issueDays.reduce((a, b) => Math.max(a, b))),
    },
  };
}
