// The hour grid behind the model. A customer has a "desk hour" μ (when they
// deal with email); it lives on whole-hour points. Observed times are read at
// quarter-hour precision. Likelihoods are precomputed tables, so scoring a
// customer is table look-ups and additions.
import { hourDistance } from './local-time.js';

/** Desk-hour grid: μ_k = k / 2 hours, k = 0…47 (a whole-hour grid scores as well but its confidence is too modest). */
export const MU_POINTS = 48;
/** Observed hours are read in quarter hours: q = round(4 · hour) mod 96. */
export const QUARTERS = 96;
/** Distances in quarter hours, 0…48. */
export const DISTANCES = 49;

export const muHour = (k: number) => (k * 24) / MU_POINTS;
export const quarterOf = (hour: number) => Math.round(hour * 4) % QUARTERS;

/** Quarter-hour distance between an observed quarter q and the grid point k. */
export const DISTANCE_INDEX: Uint8Array = (() => {
  const t = new Uint8Array(QUARTERS * MU_POINTS);
  for (let q = 0; q < QUARTERS; q++) {
    for (let k = 0; k < MU_POINTS; k++) t[q * MU_POINTS + k] = Math.round(hourDistance(q / 4, muHour(k)) * 4);
  }
  return t;
})();

function wrappedNormal(d: number, sd: number): number {
  let s = 0;
  for (const shift of [-24, 0, 24]) s += Math.exp(-((d + shift) ** 2) / (2 * sd * sd));
  return s / (sd * Math.sqrt(2 * Math.PI));
}

/**
 * log density of acting at quarter q for a customer whose desk hour is μ_k:
 * mostly near μ (spread `sd` hours), a share `noise` at any hour.
 */
export function actionLogLikTable(sd: number, noise: number): Float64Array {
  const t = new Float64Array(QUARTERS * MU_POINTS);
  for (let q = 0; q < QUARTERS; q++) {
    for (let k = 0; k < MU_POINTS; k++) {
      t[q * MU_POINTS + k] = Math.log((1 - noise) * wrappedNormal(hourDistance(q / 4, muHour(k)), sd) + noise / 24);
    }
  }
  return t;
}

/** Relative response rate at each quarter-hour distance, interpolated from whole-hour values (0…12 h). */
export function gainByQuarter(gainByHour: number[]): Float64Array {
  const g = new Float64Array(DISTANCES);
  for (let i = 0; i < DISTANCES; i++) {
    const h = i / 4;
    const lo = Math.min(Math.floor(h), gainByHour.length - 1);
    const hi = Math.min(lo + 1, gainByHour.length - 1);
    const w = h - lo;
    g[i] = gainByHour[lo] * (1 - w) + gainByHour[hi] * w;
  }
  return g;
}

/** Normalise log weights in place into probabilities. */
export function softmaxInPlace(logw: Float64Array): Float64Array {
  let max = Number.NEGATIVE_INFINITY;
  for (let k = 0; k < logw.length; k++) if (logw[k] > max) max = logw[k];
  let s = 0;
  for (let k = 0; k < logw.length; k++) s += logw[k] = Math.exp(logw[k] - max);
  for (let k = 0; k < logw.length; k++) logw[k] /= s;
  return logw;
}

/** Kernel-smoothed circular histogram of hours on the μ grid (a density summing to 1). */
export function circularDensity(hours: number[], sd: number): Float64Array {
  const d = new Float64Array(MU_POINTS);
  if (hours.length === 0) return d.fill(1 / MU_POINTS);
  for (const h of hours) for (let k = 0; k < MU_POINTS; k++) d[k] += wrappedNormal(hourDistance(h, muHour(k)), sd);
  const s = d.reduce((a, b) => a + b, 0);
  for (let k = 0; k < MU_POINTS; k++) d[k] /= s;
  return d;
}

/**
 * Posterior mass within `hours` of `centre` (circular). Each grid point stands
 * for the interval around it: a point at the edge of the window counts by the
 * share of its interval inside it.
 */
export function massNear(post: Float64Array, centre: number, hours: number): number {
  const step = 24 / MU_POINTS;
  let m = 0;
  for (let k = 0; k < MU_POINTS; k++) {
    const inside = (hours + step / 2 - hourDistance(muHour(k), centre)) / step;
    if (inside > 0) m += post[k] * Math.min(1, inside);
  }
  return m;
}
