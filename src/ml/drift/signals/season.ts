// A customer's yearly rhythm of days late (year-end closing, summer holidays):
// one annual harmonic fitted on the baseline, shrunk toward no seasonality.
// Without it three invoices in the customer's usual peak month look like a
// creep; measured on the synthetic world, seasonal peaks were the largest
// source of false delay alerts.

const TWO_PI_PER_YEAR = (2 * Math.PI) / 365.25;

export interface YearPhase {
  cos: number[];
  sin: number[];
}

export function yearPhase(days: number[]): YearPhase {
  return { cos: days.map((d) => Math.cos(TWO_PI_PER_YEAR * d)), sin: days.map((d) => Math.sin(TWO_PI_PER_YEAR * d)) };
}

export interface Season {
  a: number;
  b: number;
}

export const NO_SEASON: Season = { a: 0, b: 0 };

export function seasonAt(season: Season, phase: YearPhase, i: number): number {
  return season.a * phase.cos[i] + season.b * phase.sin[i];
}

/**
 * Ridge fit of x[j] - center ≈ a·cos + b·sin over j < n. Residuals are clipped
 * at ±clip (one outlier invoice does not make a season), `strength` acts as
 * pseudo-invoices with no seasonality, and the amplitude is capped: a few
 * months of history cannot tell a season from noise.
 */
export function fitSeason(
  x: number[],
  n: number,
  phase: YearPhase,
  center: number,
  clip: number,
  strength: number,
  maxAmplitude: number,
): Season {
  if (n < 3 || strength < 0) return NO_SEASON;
  let cc = strength;
  let ss = strength;
  let cs = 0;
  let cr = 0;
  let sr = 0;
  for (let j = 0; j < n; j++) {
    const r = Math.max(-clip, Math.min(clip, x[j] - center));
    const c = phase.cos[j];
    const s = phase.sin[j];
    cc += c * c;
    ss += s * s;
    cs += c * s;
    cr += c * r;
    sr += s * r;
  }
  const det = cc * ss - cs * cs;
  if (det <= 1e-9) return NO_SEASON;
  let a = (ss * cr - cs * sr) / det;
  let b = (cc * sr - cs * cr) / det;
  const amplitude = Math.hypot(a, b);
  if (amplitude > maxAmplitude) {
    a *= maxAmplitude / amplitude;
    b *= maxAmplitude / amplitude;
  }
  return { a, b };
}
