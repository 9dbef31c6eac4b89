// Champion / challenger on one holdout: pure, so the rule is easy to read and test.
import type { Metrics } from '../model.js';

/** Default absolute tolerance on the primary metric (AUC points, RMSE units...). */
export const DEFAULT_TOLERANCE = 0.001;

/**
 * A challenger is not worse when its primary metric is within `tolerance` of the
 * champion's, in the metric's direction. A metric that could not be computed
 * (NaN) is worse than any number; a champion without a number loses to any.
 */
export function isNotWorse(
  challenger: number | null,
  champion: number | null,
  direction: 'higher' | 'lower',
  tolerance = DEFAULT_TOLERANCE,
): boolean {
  const ok = (x: number | null): x is number => x != null && Number.isFinite(x);
  if (!ok(challenger)) return false;
  if (!ok(champion)) return true;
  return direction === 'higher' ? challenger >= champion - tolerance : challenger <= champion + tolerance;
}

export function primaryValue(metrics: Metrics, metric: string): number | null {
  const v = metrics[metric];
  return typeof v === 'number' && Number.isFinite(v) ? v : null;
}

export function formatMetric(value: number | null): string {
  return value == null ? 'n/a' : Number(value.toPrecision(4)).toString();
}
