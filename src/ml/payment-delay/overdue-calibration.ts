// How late an invoice already overdue will be paid. The residual shape is
// learnt on all invoices, most paid near their habit; an invoice still unpaid
// weeks after its due date is one of the few whose delay ran long, and those
// keep running long: truncating the shape at the days already overdue gave a
// payment date too soon and a range too narrow (on the synthetic world, 20 %
// of invoices unpaid 10 days after due were paid after the forecast's P90, 30 %
// at 30 days). Per number of days overdue, training invoices still unpaid then
// give where their payment fell in the truncated forecast (its PIT); the
// quantiles of those PITs map a level of the forecast to the level it should
// have been, by quantile recalibration (Kuleshov et al., 2018).

/** Days overdue at which a map is fitted; between them, maps are interpolated. */
export const CALIBRATION_AGES: readonly number[] = [1, 3, 7, 14, 21, 30, 45, 60, 90, 120];
/** Levels of each map: 0, 0.05, …, 1. */
export const CALIBRATION_LEVELS: readonly number[] = Array.from({ length: 21 }, (_, i) => i / 20);
/** Fewest invoices still open at an age for that age to get a map. */
const MIN_ROWS = 100;
/** Invoices' worth of identity map a map is shrunk toward: a thin age moves the forecast less. */
const PRIOR_ROWS = 50;

export interface OverdueCalibration {
  ages: number[];
  /** Per age, the PIT quantile at each CALIBRATION_LEVELS level: the level to read the truncated forecast at. */
  maps: number[][];
  /** Training invoices behind each map. */
  counts: number[];
}

function quantileOf(sorted: readonly number[], p: number): number {
  const h = p * (sorted.length - 1);
  const lo = Math.floor(h);
  const hi = Math.min(lo + 1, sorted.length - 1);
  return sorted[lo] + (h - lo) * (sorted[hi] - sorted[lo]);
}

/** A forecast truncated at the days overdue: what a PIT is read from. */
export interface TruncatedForecast {
  cdf(x: number): number;
}

/** Spreads PITs of whole days evenly over each day's share of the forecast, reproducibly. */
const GOLDEN = 0.6180339887498949;

/**
 * Where a payment on day `offset` fell in its forecast truncated at age − ½ (the
 * scoring date's bound, as the predictor's). A payment on day x is anywhere in
 * (x − ½, x + ½) on the forecast's continuous scale: a randomized PIT, spread by
 * the golden-ratio sequence over `k`, or whole days would make the map a staircase.
 */
export function overduePit(forecast: TruncatedForecast, offset: number, k: number): number {
  const from = forecast.cdf(offset - 0.5);
  return from + ((k * GOLDEN) % 1) * (forecast.cdf(offset + 0.5) - from);
}

/**
 * One map per age with enough invoices still unpaid at it; null when no age
 * has. `pitsAt(age)` gives the PITs (overduePit) of the training invoices
 * still unpaid `age` days after due, each from its forecast as made that day.
 */
export function fitOverdueCalibration(pitsAt: (age: number) => number[]): OverdueCalibration | null {
  const out: OverdueCalibration = { ages: [], maps: [], counts: [] };
  for (const age of CALIBRATION_AGES) {
    const pits = pitsAt(age);
    if (pits.length < MIN_ROWS) continue;
    pits.sort((a, b) => a - b);
    const weight = pits.length / (pits.length + PRIOR_ROWS);
    let previous = 0;
    const map = CALIBRATION_LEVELS.map((level, j) => {
      if (j === 0) return 0;
      if (j === CALIBRATION_LEVELS.length - 1) return 1;
      const v = Math.max(previous, weight * quantileOf(pits, level) + (1 - weight) * level);
      previous = v;
      return v;
    });
    out.ages.push(age);
    out.maps.push(map);
    out.counts.push(pits.length);
  }
  return out.ages.length > 0 ? out : null;
}

/** The map for an invoice `daysOverdue` days overdue (linear between fitted ages, the nearest beyond them); null when not overdue. */
export function calibrationAt(c: OverdueCalibration, daysOverdue: number): number[] | null {
  if (daysOverdue < 1) return null;
  const { ages, maps } = c;
  if (daysOverdue <= ages[0]) return maps[0];
  if (daysOverdue >= ages[ages.length - 1]) return maps[maps.length - 1];
  let k = 0;
  while (ages[k + 1] < daysOverdue) k++;
  const t = (daysOverdue - ages[k]) / (ages[k + 1] - ages[k]);
  return maps[k].map((v, j) => v + t * (maps[k + 1][j] - v));
}

/** The forecast's level to read for a calibrated level p (piecewise linear through the map). */
export function calibratedLevel(map: readonly number[], p: number): number {
  const h = Math.min(Math.max(p, 0), 1) * (map.length - 1);
  const j = Math.min(Math.floor(h), map.length - 2);
  return map[j] + (h - j) * (map[j + 1] - map[j]);
}

/** The inverse: the calibrated level of a forecast level u (P(paid by x) once recalibrated). */
export function uncalibratedToLevel(map: readonly number[], u: number): number {
  const x = Math.min(Math.max(u, 0), 1);
  let j = 0;
  while (j < map.length - 2 && map[j + 1] < x) j++;
  const gap = map[j + 1] - map[j];
  const t = gap > 0 ? (x - map[j]) / gap : 0;
  return (j + t) / (map.length - 1);
}
