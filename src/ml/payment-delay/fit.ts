// Training: a hierarchical (empirical-Bayes) delay model.
// 1. invoice effects (dispute, paper) from within-customer comparisons;
// 2. portfolio / segment priors and the shrinkage pseudo-count;
// 3. leak-free features of every training invoice as of its own issue date;
// 4. ridge regression of the payment offset (location), its feature groups
//    chosen on the latest training invoices (selection.ts); then of the absolute
//    residual (scale), and the shape of the standardized residuals (apart for
//    customers with no or little settled history);
// 5. when payments pile up on the due date (direct debits), a logistic model of
//    "paid on the due date's business day", step 4 then fitted on the other payments.
// The class probabilities and quantiles all come from that one distribution, so
// they agree with each other and can be conditioned at scoring time.
import { dayOf, dueBusinessDayOffset, isoOfDay } from './dates.js';
import { PaymentDelayInputError } from './errors.js';
import { buildFeatureTable, COL, DUE_DAY_COLUMN, type FeatureTable } from './features.js';
import { atomProbability, fitAtom, fitMissedShape, type AtomModel } from './due-day-atom.js';
import { fitRidge, predictLinear, type LinearModel } from './linear.js';
import { fitShape, OffsetDistribution, shapeMean, SHAPE_LEVELS, type ResidualShape } from './distribution.js';
import { fitOverdueCalibration, overduePit, type OverdueCalibration } from './overdue-calibration.js';
import { selectColumnGroups, type ColumnGroup, type ColumnSelection } from './selection.js';
import { fitFeatureConfig, fitInvoiceEffects, labelOf, paidOnDueBusinessDay, type Labeled } from './priors.js';
import type { FeatureConfig } from './features.js';
import type { FeatureRequest, InvoiceRecord, IsoDate } from './types.js';

export const STATE_VERSION = 2;

export interface PaymentDelayOptions {
  /**
   * Use the scored invoice's own dispute flag. A dispute is often raised only
   * after issue, so a model scoring at issue may not know it; past disputes in the
   * customer's history are used either way.
   */
  useDisputed: boolean;
  /** Ridge penalty on standardized weights. */
  ridge: number;
  /** Choose the location model's feature groups on the latest training invoices. */
  selectColumns: boolean;
}

export const DEFAULT_OPTIONS: PaymentDelayOptions = { useDisputed: true, ridge: 1e-3, selectColumns: true };

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
  /**
   * Shapes of the invoices of customers with little settled history (first
   * bucket whose maxHistory covers the history count), where training had
   * enough of them; `shape` serves the rest. A new customer's payment date is
   * drawn from the whole portfolio's spread of habits, mostly on time with a
   * long late tail: the pooled shape, made of each customer's scatter around
   * their own habit, put P(late) of first invoices half as high again as seen.
   * Absent in artifacts trained before it (the pooled shape serves all).
   */
  depthShapes?: DepthShape[];
  /**
   * Probability of payment on the due date's business day, when training
   * showed such an atom (FeatureConfig.dueDayAtom); location, dispersion and
   * shapes then describe the other payments.
   */
  atom?: AtomModel;
  /**
   * Recalibration of the forecast of invoices already overdue, per days
   * overdue (overdue-calibration.ts). Absent in artifacts trained before it.
   */
  overdueCalibration?: OverdueCalibration;
  /** The same for disputed invoices, when the model knows disputes; the other serves them when absent. */
  overdueCalibrationDisputed?: OverdueCalibration;
  /** Groups chosen on the hold-out, or null when every column was used. */
  selection: ColumnSelection | null;
  trainedOn: { invoices: number; customers: number; firstIssue: IsoDate; lastIssue: IsoDate };
}

export interface DepthShape {
  maxHistory: number;
  shape: ResidualShape;
  shapeMean: number;
}

/** History-count buckets that get their own residual shape: no settled invoice yet, then one or two. */
const DEPTH_BUCKETS: readonly number[] = [0, 2];
/** Fewest training invoices a bucket needs for its own shape (101 quantiles of it). */
const MIN_DEPTH_SHAPE_ROWS = 300;

/** How this customer's disputes go: how often, and how late disputed and undisputed invoices were paid. */
const DISPUTE_HISTORY = ['lateRateDisputed', 'lateRateUndisputed', 'meanDaysLateDisputed', 'meanDaysLateUndisputed', 'disputeRate'];

/**
 * Always in the location model: the customer's own level and the invoice's known
 * attributes. Without the invoice's own dispute flag, the customer's dispute
 * history stands for it (expected extra delay ≈ dispute rate × dispute effect).
 */
function coreGroup(useDisputed: boolean): ColumnGroup {
  return {
    name: 'customerAndInvoice',
    columns: ['historyWeight', 'customerEffect', 'sentOnPaper', 'channelUnknown', 'termsDays', DUE_DAY_COLUMN, ...(useDisputed ? ['disputed'] : DISPUTE_HISTORY)],
  };
}

/** Candidate groups of the location model, kept only if they help on a later slice of the training period. */
export const LOCATION_GROUPS: readonly ColumnGroup[] = [
  { name: 'spread', columns: ['customerSpread'] },
  { name: 'lateHistory', columns: ['lateRate', 'meanDaysLate'] },
  { name: 'recentDelays', columns: ['recentMedianOffset', 'trend', 'lastOffset', 'last3MeanOffset', 'last5MeanOffset'] },
  { name: 'settledJustBefore', columns: ['recentSettledCount', 'recentSettledMeanOffset'] },
  { name: 'disputeHistory', columns: DISPUTE_HISTORY },
  { name: 'disputeInteraction', columns: ['disputedCustomerEffect'] },
  { name: 'amount', columns: ['logAmountRatio'] },
  { name: 'openInvoices', columns: ['openCount', 'overdueOpenCount', 'openAmountRatio', 'oldestOpenDaysOverdue'] },
  { name: 'promises', columns: ['promiseKeptRate'] },
  { name: 'engagement', columns: ['replyRate'] },
  { name: 'externalRisk', columns: ['externalRisk', 'externalRiskMissing'] },
  { name: 'seasonality', columns: ['dueMonthSin', 'dueMonthCos', 'dueAtQuarterEnd', 'dueOnWeekend'] },
];

const DISPERSION_COLUMNS: readonly string[] = ['customerSpread', 'customerEffect', 'historyWeight', 'disputed', 'sentOnPaper', DUE_DAY_COLUMN];

/** Columns that carry the scored invoice's own dispute flag (left out when it is not known at scoring). */
const OWN_DISPUTE_COLUMNS: readonly string[] = ['disputed', 'disputedCustomerEffect'];

/** Share of the training invoices (the latest by issue date) held out to choose the groups. */
const HOLD_OUT_SHARE = 0.3;
/** Share of training invoices settled within this many days of issue marks an invoice as old enough to judge. */
const MATURITY_QUANTILE = 0.9;
/** Below this many invoices on either side of the hold-out cut, every group is used. */
const MIN_HOLD_OUT = 100;
/**
 * Month-of-year effects are told apart from a trend only over two yearly cycles:
 * with less training history the seasonal group is not offered.
 */
const SEASONAL_MIN_SPAN_DAYS = 730;
const SEASONAL_GROUP = 'seasonality';

const HALF_NORMAL = Math.sqrt(Math.PI / 2);

/** Training targets: every settled invoice, each as of its own issue date. */
export function issueDateTargets(invoices: readonly InvoiceRecord[]): FeatureRequest[] {
  return invoices.filter((inv) => inv.settledDate != null).map((invoice) => ({ invoice, asOf: invoice.issueDate }));
}

export function columnsFor(names: readonly string[], allColumns: readonly string[], useDisputed: boolean): { index: number; name: string }[] {
  return names
    .filter((name) => useDisputed || !OWN_DISPUTE_COLUMNS.includes(name))
    .map((name) => ({ name, index: allColumns.indexOf(name) }))
    .filter((c) => c.index >= 0);
}

/** Scale of the payment-date distribution for one feature row. */
export function scaleOf(state: Pick<PaymentDelayState, 'dispersion' | 'scaleFloor'>, row: Float64Array): number {
  return Math.max(predictLinear(state.dispersion, row) * HALF_NORMAL, state.scaleFloor);
}

/**
 * PITs of the training invoices still unpaid at a calibration age, disputed
 * and undisputed apart, each from its forecast as the predictor makes it that
 * day: features as of the due date plus the age (what had been settled by
 * then), truncated at the age. Numbers only are kept: at a million invoices a
 * forecast object per invoice and age would not fit.
 */
function overduePits(
  history: readonly InvoiceRecord[],
  targets: readonly FeatureRequest[],
  labeled: readonly Labeled[],
  features: FeatureConfig,
  model: Pick<PaymentDelayState, 'location' | 'dispersion' | 'scaleFloor' | 'shape' | 'depthShapes'>,
): (age: number) => { disputed: number[]; undisputed: number[] } {
  const cache = new Map<number, { disputed: number[]; undisputed: number[] }>();
  return (age) => {
    const cached = cache.get(age);
    if (cached) return cached;
    const open = labeled.flatMap((l, i) => (l.offset >= age ? [i] : []));
    const requests = open.map((i) => ({ invoice: targets[i].invoice, asOf: isoOfDay(dayOf(targets[i].invoice.dueDate) + age) }));
    const table = buildFeatureTable(history, requests, features);
    const width = table.columns.length;
    const pits = { disputed: [] as number[], undisputed: [] as number[] };
    open.forEach((i, k) => {
      const row = table.values.subarray(k * width, (k + 1) * width);
      const forecast = new OffsetDistribution(predictLinear(model.location, row), scaleOf(model, row), shapeForRow(model, row).shape, age - 0.5);
      (row[COL.disputed] === 1 ? pits.disputed : pits.undisputed).push(overduePit(forecast, labeled[i].offset, k));
    });
    cache.set(age, pits);
    return pits;
  };
}

/** The residual shape for a row's depth of history: its bucket's, else the pooled one. */
export function shapeForRow<S extends { shape: ResidualShape; depthShapes?: DepthShape[] }>(state: S, row: Float64Array): DepthShape | S {
  const n = row[COL.historyCount];
  return state.depthShapes?.find((d) => n <= d.maxHistory) ?? state;
}

/** The pooled residual shape and those of the short-history buckets with enough rows; each row feeds one shape. */
function fitShapes(standardized: Float64Array, historyCount: (row: number) => number): { shape: ResidualShape; depthShapes: DepthShape[] } {
  const bucketOf = (n: number) => DEPTH_BUCKETS.findIndex((max) => n <= max);
  const members: number[][] = DEPTH_BUCKETS.map(() => []);
  for (let r = 0; r < standardized.length; r++) {
    const b = bucketOf(historyCount(r));
    if (b >= 0) members[b].push(r);
  }
  const depthShapes: DepthShape[] = [];
  const own = new Set<number>();
  DEPTH_BUCKETS.forEach((maxHistory, b) => {
    if (members[b].length < MIN_DEPTH_SHAPE_ROWS) return;
    const shape = fitShape(Float64Array.from(members[b], (r) => standardized[r]));
    depthShapes.push({ maxHistory, shape, shapeMean: shapeMean(shape) });
    own.add(b);
  });
  const rest = standardized.filter((_, r) => !own.has(bucketOf(historyCount(r))));
  return { shape: fitShape(rest.length > 0 ? rest : standardized), depthShapes };
}

/** What says whether an invoice will be paid on the due date's business day (due-day-atom.ts). */
function atomInputs(useDisputed: boolean): string[] {
  return [DUE_DAY_COLUMN, 'historyWeight', ...(useDisputed ? ['disputed'] : [])];
}

/**
 * The atom with how its habit's invoices were paid when not on the day, where
 * training had enough of them. A disputed invoice is held back by its dispute,
 * not by a missed debit: when disputes are known it is left to the smooth part,
 * which has the dispute's effect (the predictor does the same).
 */
function withMissedShape(atom: AtomModel, table: FeatureTable, labeled: readonly Labeled[], onDueDay: readonly boolean[], useDisputed: boolean): AtomModel {
  const width = table.columns.length;
  const offDay = labeled.flatMap((l, r) =>
    onDueDay[r] || (useDisputed && l.invoice.disputed)
      ? []
      : [{ daysAfter: l.offset - dueBusinessDayOffset(dayOf(l.invoice.dueDate)), probability: atomProbability(atom, table.values.subarray(r * width, (r + 1) * width)) }],
  );
  const missed = fitMissedShape(offDay, SHAPE_LEVELS);
  return missed ? { ...atom, missed: { ...missed, shapeMean: shapeMean(missed.shape) } } : atom;
}

function keepRows(table: FeatureTable, keep: readonly boolean[]): FeatureTable {
  const width = table.columns.length;
  const rows = keep.filter(Boolean).length;
  const values = new Float64Array(rows * width);
  let out = 0;
  keep.forEach((k, r) => {
    if (k) values.set(table.values.subarray(r * width, (r + 1) * width), out++ * width);
  });
  return { columns: table.columns, rows, values };
}

/** The invoices the smooth part of the distribution is fitted on: with a due-date atom, those not paid on the due date. */
function smoothPart(targets: readonly FeatureRequest[], config: FeatureConfig): readonly FeatureRequest[] {
  return config.dueDayAtom ? targets.filter(({ invoice }) => !paidOnDueBusinessDay({ invoice, offset: labelOf(invoice) })) : targets;
}

function byIssueDate(targets: readonly FeatureRequest[]): FeatureRequest[] {
  return targets.slice().sort((a, b) => (a.invoice.issueDate < b.invoice.issueDate ? -1 : a.invoice.issueDate > b.invoice.issueDate ? 1 : 0));
}

function tableAndTarget(history: readonly InvoiceRecord[], targets: readonly FeatureRequest[], config: FeatureConfig) {
  return { table: buildFeatureTable(history, targets, config), target: Float64Array.from(targets, (t) => labelOf(t.invoice)) };
}

/**
 * Forward selection of the location groups on the latest HOLD_OUT_SHARE of the
 * training invoices, with priors and effects fitted on the earlier part only, so
 * the hold-out is scored as the future would be. Null when too small to split.
 *
 * Training targets are settled invoices, so the most recently issued ones are
 * mostly the quick payers (the slow ones are still open): invoices issued
 * less than MATURITY_QUANTILE of the usual days-to-settle before the last
 * settlement are left out of the selection, or it would favour the quick.
 */
function chooseLocationColumns(history: readonly InvoiceRecord[], targets: readonly FeatureRequest[], { useDisputed, ridge }: PaymentDelayOptions): ColumnSelection | null {
  const settleDays = targets.map((t) => dayOf(t.invoice.settledDate!));
  const daysToSettle = targets.map((t, i) => settleDays[i] - dayOf(t.invoice.issueDate)).sort((a, b) => a - b);
  const matureUntil = settleDays.reduce((a, b) => Math.max(a, b), -Infinity) - daysToSettle[Math.floor(MATURITY_QUANTILE * (daysToSettle.length - 1))];
  const sorted = byIssueDate(targets.filter((t) => dayOf(t.invoice.issueDate) <= matureUntil));
  if (sorted.length < 2 * MIN_HOLD_OUT) return null;
  const cutDate = sorted[Math.floor(sorted.length * (1 - HOLD_OUT_SHARE))].invoice.issueDate;
  const early = sorted.filter((t) => t.invoice.issueDate < cutDate);
  const late = sorted.filter((t) => t.invoice.issueDate >= cutDate);
  if (early.length < MIN_HOLD_OUT || late.length < MIN_HOLD_OUT) return null;
  const labeled: Labeled[] = early.map(({ invoice }) => ({ invoice, offset: labelOf(invoice) }));
  const config = fitFeatureConfig(labeled, fitInvoiceEffects(labeled));
  const train = tableAndTarget(history, smoothPart(early, config), config);
  const test = tableAndTarget(history, smoothPart(late, config), config);
  const keep = (g: ColumnGroup): ColumnGroup => ({ ...g, columns: g.columns.filter((c) => useDisputed || !OWN_DISPUTE_COLUMNS.includes(c)) });
  const methods: ColumnGroup = { name: 'paymentMethod', columns: train.table.columns.filter((c) => c.startsWith('paymentMethod:')) };
  const span = dayOf(sorted[sorted.length - 1].invoice.issueDate) - dayOf(sorted[0].invoice.issueDate);
  const candidates = [...LOCATION_GROUPS, methods].filter((g) => g.name !== SEASONAL_GROUP || span >= SEASONAL_MIN_SPAN_DAYS);
  return selectColumnGroups(
    { train: train.table, trainTarget: train.target, test: test.table, testTarget: test.target, lambda: ridge },
    keep(coreGroup(useDisputed)),
    candidates.map(keep),
  );
}

export function fitPaymentDelay(
  history: readonly InvoiceRecord[],
  targets: readonly FeatureRequest[],
  options: PaymentDelayOptions = DEFAULT_OPTIONS,
): PaymentDelayState {
  if (targets.length < 20) throw new PaymentDelayInputError(`need at least 20 settled invoices to train, got ${targets.length}`);
  const labeled: Labeled[] = targets.map(({ invoice }) => ({ invoice, offset: labelOf(invoice) }));
  const features = fitFeatureConfig(labeled, fitInvoiceEffects(labeled));
  const everyTarget = buildFeatureTable(history, targets, features);
  const onDueDay = labeled.map(paidOnDueBusinessDay);
  const atom = features.dueDayAtom ? withMissedShape(fitAtom(everyTarget, onDueDay, atomInputs(options.useDisputed)), everyTarget, labeled, onDueDay, options.useDisputed) : null;
  const table = features.dueDayAtom ? keepRows(everyTarget, onDueDay.map((on) => !on)) : everyTarget;
  const width = table.columns.length;
  const offsets = Float64Array.from(labeled.filter((_, i) => !atom || !onDueDay[i]), (l) => l.offset);

  // Every group when selection is off or the training set is too small to hold out its latest part.
  const selection = options.selectColumns ? chooseLocationColumns(history, targets, options) : null;
  const methodColumns = table.columns.filter((c) => c.startsWith('paymentMethod:'));
  const groups = [coreGroup(options.useDisputed), ...LOCATION_GROUPS, { name: 'paymentMethod', columns: methodColumns }];
  const chosen = groups.filter((g) => !selection || selection.groups.includes(g.name)).flatMap((g) => g.columns);
  const location = fitRidge({
    ...table,
    width,
    columns: columnsFor(chosen.filter((c, i) => chosen.indexOf(c) === i), table.columns, options.useDisputed),
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
  const { shape, depthShapes } = fitShapes(standardized, (r) => table.values[r * width + COL.historyCount]);
  // Disputed invoices run long for their own reasons: a map of their own, where disputes are known.
  const pitsAt = overduePits(history, targets, labeled, features, { location, ...partial, shape, depthShapes });
  const overdueCalibration = fitOverdueCalibration((age) => (options.useDisputed ? pitsAt(age).undisputed : [...pitsAt(age).undisputed, ...pitsAt(age).disputed]));
  const overdueCalibrationDisputed = options.useDisputed ? fitOverdueCalibration((age) => pitsAt(age).disputed) : null;

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
    ...(depthShapes.length > 0 ? { depthShapes } : {}),
    ...(atom ? { atom } : {}),
    ...(overdueCalibration ? { overdueCalibration } : {}),
    ...(overdueCalibrationDisputed ? { overdueCalibrationDisputed } : {}),
    selection,
    trainedOn: {
      invoices: targets.length,
      customers: new Set(targets.map((t) => t.invoice.customerId)).size,
      firstIssue: isoOfDay(issueDays.reduce((a, b) => Math.min(a, b))),
      lastIssue: isoOfDay(issueDays.reduce((a, b) => Math.max(a, b))),
    },
  };
}
