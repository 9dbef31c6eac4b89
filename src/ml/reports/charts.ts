// Vega-Lite specifications of the report's plots, one function per plot, from
// the numbers of curves.ts and the model's diagnostics. Data is inlined: the
// rendered SVG needs nothing from the network.
import type { TopLevelSpec } from 'vega-lite';
import {
  areaUnderRoc, averagePrecision, calibrationBins, expectedCalibrationError, prCurve, rocCurve, thin,
} from './curves.js';
import type { BySegment, ConfusionMatrix, FeatureImportance, OverTime, ScoredOutcomes } from './types.js';

export interface Chart {
  id: string;
  title: string;
  /** One sentence on how to read the plot. */
  caption: string;
  spec: TopLevelSpec;
}

const SIZE = { width: 320, height: 260 };
const round = (x: number, d = 4) => Math.round(x * 10 ** d) / 10 ** d;
const unit = { scale: { domain: [0, 1] } };
const diagonal = {
  data: { values: [{ x: 0, y: 0 }, { x: 1, y: 1 }] },
  mark: { type: 'line', strokeDash: [4, 4], color: '#999' },
  encoding: { x: { field: 'x', type: 'quantitative' }, y: { field: 'y', type: 'quantitative' } },
} as const;

export function rocChart(s: ScoredOutcomes): Chart | null {
  const points = rocCurve(s.score, s.label);
  if (!points.length) return null;
  const auc = areaUnderRoc(points);
  return {
    id: 'roc',
    title: `ROC curve (AUC ${auc.toFixed(3)})`,
    caption: `How many ${s.positive ?? 'positives'} are caught (true positive rate) for each share of false alarms; the dashed line is a random ranking.`,
    spec: {
      ...SIZE,
      layer: [
        {
          data: { values: thin(points).map((p) => ({ fpr: round(p.fpr), tpr: round(p.tpr) })) },
          mark: { type: 'line', interpolate: 'step-after' },
          encoding: {
            x: { field: 'fpr', type: 'quantitative', title: 'false positive rate', ...unit },
            y: { field: 'tpr', type: 'quantitative', title: 'true positive rate', ...unit },
          },
        },
        diagonal,
      ],
    } as TopLevelSpec,
  };
}

export function precisionRecallChart(s: ScoredOutcomes): Chart | null {
  const points = prCurve(s.score, s.label);
  if (!points.length) return null;
  const base = points[points.length - 1].precision;
  return {
    id: 'precision-recall',
    title: `Precision-recall (average precision ${averagePrecision(points).toFixed(3)})`,
    caption: `Of the cases flagged, the share that really are ${s.positive ?? 'positive'} (precision), as more of them are caught (recall); the dashed line is the base rate ${base.toFixed(3)}.`,
    spec: {
      ...SIZE,
      layer: [
        {
          data: { values: thin(points).map((p) => ({ recall: round(p.recall), precision: round(p.precision) })) },
          mark: { type: 'line' },
          encoding: {
            x: { field: 'recall', type: 'quantitative', ...unit },
            y: { field: 'precision', type: 'quantitative', ...unit },
          },
        },
        {
          data: { values: [{ y: base }] },
          mark: { type: 'rule', strokeDash: [4, 4], color: '#999' },
          encoding: { y: { field: 'y', type: 'quantitative' } },
        },
      ],
    } as TopLevelSpec,
  };
}

export function calibrationChart(s: ScoredOutcomes): Chart | null {
  if (s.probability === false) return null;
  const bins = calibrationBins(s.score, s.label);
  if (!bins.length) return null;
  return {
    id: 'calibration',
    title: `Calibration (expected calibration error ${expectedCalibrationError(bins).toFixed(3)})`,
    caption: 'Observed share of positives against the predicted probability, by tenth of probability; on the dashed line the probabilities can be taken at face value. Point size is the number of cases.',
    spec: {
      ...SIZE,
      layer: [
        {
          data: { values: bins.map((b) => ({ predicted: round(b.predicted), observed: round(b.observed), n: b.n })) },
          mark: { type: 'line', point: true },
          encoding: {
            x: { field: 'predicted', type: 'quantitative', title: 'mean predicted probability', ...unit },
            y: { field: 'observed', type: 'quantitative', title: 'observed frequency', ...unit },
          },
        },
        {
          data: { values: bins.map((b) => ({ predicted: round(b.predicted), observed: round(b.observed), n: b.n })) },
          mark: { type: 'circle', opacity: 0.5 },
          encoding: {
            x: { field: 'predicted', type: 'quantitative' },
            y: { field: 'observed', type: 'quantitative' },
            size: { field: 'n', type: 'quantitative', title: 'cases' },
          },
        },
        diagonal,
      ],
    } as TopLevelSpec,
  };
}

export function confusionChart(c: ConfusionMatrix): Chart | null {
  if (!c.classes.length) return null;
  const values = c.classes.flatMap((actual, i) => c.classes.map((predicted, j) => ({ actual, predicted, count: c.counts[i]?.[j] ?? 0 })));
  const max = Math.max(1, ...values.map((v) => v.count));
  const rows = c.rows ?? 'actual';
  const columns = c.columns ?? 'predicted';
  return {
    id: 'confusion',
    title: c.rows ? `${rows} by ${columns}` : 'Confusion matrix',
    caption: c.rows
      ? `Cases by ${rows} (rows) and ${columns} (columns); the diagonal is where they agree.`
      : 'Cases by actual class (rows) and predicted class (columns); the diagonal is right.',
    spec: {
      width: Math.max(160, 60 * c.classes.length),
      height: Math.max(160, 60 * c.classes.length),
      data: { values },
      encoding: {
        x: { field: 'predicted', type: 'nominal', sort: c.classes, axis: { labelAngle: c.classes.length > 4 ? -40 : 0 }, title: columns },
        y: { field: 'actual', type: 'nominal', sort: c.classes, title: rows },
      },
      layer: [
        { mark: 'rect', encoding: { color: { field: 'count', type: 'quantitative', scale: { scheme: 'blues' }, legend: null } } },
        {
          mark: { type: 'text', fontSize: 13 },
          encoding: {
            text: { field: 'count', type: 'quantitative' },
            color: { condition: { test: `datum.count > ${max / 2}`, value: 'white' }, value: 'black' },
          },
        },
      ],
    } as TopLevelSpec,
  };
}

export function segmentChart(b: BySegment): Chart | null {
  if (!b.segments.length) return null;
  const segments = b.segments.slice(0, 30);
  return {
    id: 'by-segment',
    title: `By segment (${b.metric})`,
    caption: `${b.metric} in each segment of the holdout, largest first; n is the number of cases.`,
    spec: {
      width: SIZE.width,
      height: Math.max(80, 18 * segments.length),
      data: { values: segments.map((s) => ({ segment: s.segment, value: round(s.value), label: `${round(s.value, 2)} (n=${s.n})` })) },
      // An explicit order: a '-x' sort shared by two layers makes vega-lite merge conflicting sorts.
      encoding: { y: { field: 'segment', type: 'nominal', sort: [...segments].sort((a, b) => b.value - a.value).map((s) => s.segment), title: null, axis: { labelLimit: 240 } } },
      layer: [
        { mark: 'bar', encoding: { x: { field: 'value', type: 'quantitative', title: b.metric } } },
        { mark: { type: 'text', align: 'left', dx: 3 }, encoding: { x: { field: 'value', type: 'quantitative' }, text: { field: 'label' } } },
      ],
    } as TopLevelSpec,
  };
}

export function importanceChart(importance: readonly FeatureImportance[]): Chart | null {
  if (!importance.length) return null;
  const top = [...importance].sort((a, b) => b.importance - a.importance).slice(0, 20);
  return {
    id: 'importance',
    title: 'Feature importance',
    caption: 'The inputs that move the predictions most (top 20), in the model\'s own unit.',
    spec: {
      width: SIZE.width,
      height: Math.max(80, 18 * top.length),
      data: { values: top.map((f) => ({ feature: f.feature, importance: round(f.importance) })) },
      mark: 'bar',
      encoding: {
        y: { field: 'feature', type: 'nominal', sort: '-x', title: null, axis: { labelLimit: 320 } },
        x: { field: 'importance', type: 'quantitative' },
      },
    } as TopLevelSpec,
  };
}

export function overTimeChart(o: OverTime): Chart | null {
  if (!o.points.length) return null;
  return {
    id: 'over-time',
    title: `${o.metric} over time (backtest)`,
    caption: `${o.metric} of each period of the holdout: a falling line means the model ages and should be retrained.`,
    spec: {
      width: Math.max(SIZE.width, 28 * o.points.length),
      height: 220,
      data: { values: o.points.map((p) => ({ period: p.period, value: round(p.value), n: p.n })) },
      mark: { type: 'line', point: true },
      encoding: {
        x: { field: 'period', type: 'ordinal', title: null, axis: { labelAngle: -45 } },
        y: { field: 'value', type: 'quantitative', title: o.metric, scale: { zero: false } },
      },
    } as TopLevelSpec,
  };
}
