// What a model's detailed evaluation hands to the report builder. Every part is
// optional: a report shows the plots its model can feed, and says which it cannot.
import type { Metrics } from '../model.js';

/** Scores of a binary outcome against what happened: ROC, precision-recall, calibration. */
export interface ScoredOutcomes {
  /** Predicted probability (or any score: calibration needs a probability). */
  score: ArrayLike<number>;
  label: ArrayLike<boolean>;
  /** What a positive is, in words: "paid late". */
  positive?: string;
  /** True when `score` is a probability in [0, 1] (enables the calibration plot). */
  probability?: boolean;
}

export interface ConfusionMatrix {
  classes: string[];
  /** counts[row][column]: rows are what happened, columns what the model says. */
  counts: number[][];
  /** Axis names when they are not "actual" and "predicted" (e.g. the lever logged and the one recommended). */
  rows?: string;
  columns?: string;
}

export interface SegmentMetric {
  segment: string;
  value: number;
  n: number;
}

export interface BySegment {
  /** What is measured in each segment, e.g. "MAE days to settle", "AUC of the drift score". */
  metric: string;
  segments: SegmentMetric[];
}

export interface FeatureImportance {
  feature: string;
  /** Larger is more important; the unit is the model's own (|weight|, gain, permutation loss). */
  importance: number;
}

export interface PeriodMetric {
  /** e.g. "2013-04" */
  period: string;
  value: number;
  n: number;
}

export interface OverTime {
  /** e.g. "AUC" */
  metric: string;
  points: PeriodMetric[];
}

export interface Diagnostics {
  scores?: ScoredOutcomes;
  confusion?: ConfusionMatrix;
  bySegment?: BySegment;
  importance?: FeatureImportance[];
  /** Backtest: the metric by month (or any period) of the holdout. */
  overTime?: OverTime;
}

/** A detailed evaluation: the flat metrics the registry compares, plus what the report plots. */
export interface Evaluation {
  metrics: Metrics;
  diagnostics?: Diagnostics;
}
