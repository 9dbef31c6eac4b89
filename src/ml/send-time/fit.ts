// Training the send-time model: what the portfolio teaches that one customer
// cannot. (1) how tightly people act around their desk hour, (2) where desk
// hours usually are, per segment (the prior a thin customer is pulled to),
// (3) how much the response rate drops when a reminder leaves d hours away
// from the desk hour (the gain curve), (4) the portfolio's best single hour.
import type { SendTimeConfig } from './config.js';
import { SendTimeEstimator } from './estimate.js';
import { actionLogLikTable, circularDensity, DISTANCE_INDEX, gainByQuarter, MU_POINTS, muHour, quarterOf, softmaxInPlace } from './grid.js';
import { hourDistance, isKnownZone } from './local-time.js';
import { observe } from './observations.js';
import { SEND_TIME_FORMAT_VERSION, SEND_TIME_MODEL, type SendTimeSegmentPrior, type SendTimeState } from './state.js';
import type { CustomerObservations, SendTimeInput } from './types.js';

const GAIN_HOURS = 13; // whole-hour distances 0…12
const EM_ROUNDS = 6;
const UNIFORM_SHARE = 0.03; // no desk hour is ever impossible a priori
const DEFAULT_SPREAD_HOURS = 1.5;

const round6 = (x: number) => Math.round(x * 1e6) / 1e6;

function median(xs: number[]): number {
  if (xs.length === 0) return Number.NaN;
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

function circularMeanHour(hours: number[]): number {
  let x = 0;
  let y = 0;
  for (const h of hours) {
    x += Math.cos((2 * Math.PI * h) / 24);
    y += Math.sin((2 * Math.PI * h) / 24);
  }
  return ((((Math.atan2(y, x) * 24) / (2 * Math.PI)) % 24) + 24) % 24;
}

/** Robust spread of a customer's action hours around their own centre, pooled (median) over customers. */
function actionSpread(observations: CustomerObservations[]): number {
  const spreads: number[] = [];
  for (const o of observations) {
    const hours = o.sends.flatMap((s) => s.actionHours);
    if (hours.length < 4) continue;
    const centre = circularMeanHour(hours);
    spreads.push(1.4826 * median(hours.map((h) => hourDistance(h, centre))));
  }
  const s = median(spreads);
  return Number.isNaN(s) ? DEFAULT_SPREAD_HOURS : Math.min(4, Math.max(0.5, s));
}

function mostCommonZone(inputs: SendTimeInput[]): string {
  const counts = new Map<string, number>();
  for (const i of inputs) if (isKnownZone(i.timezone)) counts.set(i.timezone, (counts.get(i.timezone) ?? 0) + 1);
  let best = 'UTC';
  let n = 0;
  for (const [zone, c] of counts) if (c > n || (c === n && zone < best)) [best, n] = [zone, c];
  return best;
}

/** Pool-adjacent-violators: the closest non-increasing sequence (weighted least squares). */
export function nonIncreasing(values: number[], weights: number[]): number[] {
  const blocks: Array<{ v: number; w: number; n: number }> = [];
  values.forEach((v, i) => {
    blocks.push({ v, w: Math.max(weights[i], 1e-9), n: 1 });
    while (blocks.length > 1 && blocks[blocks.length - 2].v < blocks[blocks.length - 1].v) {
      const b = blocks.pop()!;
      const a = blocks[blocks.length - 1];
      a.v = (a.v * a.w + b.v * b.w) / (a.w + b.w);
      a.w += b.w;
      a.n += b.n;
    }
  });
  return blocks.flatMap((b) => new Array<number>(b.n).fill(b.v));
}

/** Action-only desk-hour posteriors (flat prior): what each customer's own timings say. */
function actionPosteriors(observations: CustomerObservations[], table: Float64Array): Array<Float64Array | null> {
  return observations.map((o) => {
    const hours = o.sends.flatMap((s) => s.actionHours);
    if (hours.length === 0) return null;
    const post = new Float64Array(MU_POINTS);
    for (const h of hours) {
      const row = quarterOf(h) * MU_POINTS;
      for (let k = 0; k < MU_POINTS; k++) post[k] += table[row + k];
    }
    return softmaxInPlace(post);
  });
}

function mixUniform(density: Float64Array): number[] {
  return Array.from(density, (p) => round6((1 - UNIFORM_SHARE) * p + UNIFORM_SHARE / MU_POINTS));
}

function deskHourPriors(observations: CustomerObservations[], posts: Array<Float64Array | null>, minCustomers: number) {
  const sum = (rows: number[]) => {
    const d = new Float64Array(MU_POINTS);
    for (const i of rows) for (let k = 0; k < MU_POINTS; k++) d[k] += posts[i]![k];
    return d;
  };
  const withActions = observations.map((_, i) => i).filter((i) => posts[i] !== null);
  const portfolio = withActions.length ? sum(withActions).map((x) => x / withActions.length) : circularDensity([], 1);
  const bySegment = new Map<string, number[]>();
  observations.forEach((o, i) => {
    const rows = bySegment.get(o.segment);
    if (rows) rows.push(i);
    else bySegment.set(o.segment, [i]);
  });
  const segments = new Map<string, { all: number; withActions: number; density: Float64Array }>();
  for (const [segment, rows] of bySegment) {
    if (rows.length < minCustomers) continue;
    const own = rows.filter((i) => posts[i] !== null);
    // Empirical Bayes: a segment with few timed customers stays close to the portfolio.
    const s = sum(own);
    const density = s.map((x, k) => (x + minCustomers * portfolio[k]) / (own.length + minCustomers));
    segments.set(segment, { all: rows.length, withActions: own.length, density });
  }
  return { portfolio, withActions: withActions.length, segments };
}

interface GainFit {
  gain: number[];
  meanLoggedGain: number;
  /** Per customer: Σ responses and Σ expected gain of their reminders. */
  responses: Float64Array;
  exposure: Float64Array;
}

/**
 * The gain curve by EM-like alternation. Each reminder's distance to the desk
 * hour is uncertain: its distribution comes from the customer's *other*
 * actions (leave-one-out, so an answer does not locate itself) and the prior.
 */
function fitGain(
  observations: CustomerObservations[],
  logPriorOf: (segment: string) => Float64Array,
  table: Float64Array,
  config: SendTimeConfig,
): GainFit {
  const rows: Array<{ customer: number; response: number; q: Float64Array }> = [];
  const responses = new Float64Array(observations.length);
  const exposure = new Float64Array(observations.length);
  observations.forEach((o, c) => {
    const total = logPriorOf(o.segment).slice();
    for (const s of o.sends) {
      for (const h of s.actionHours) {
        const row = quarterOf(h) * MU_POINTS;
        for (let k = 0; k < MU_POINTS; k++) total[k] += table[row + k];
      }
    }
    for (const s of o.sends) {
      responses[c] += s.response;
      const loo = total.slice();
      for (const h of s.actionHours) {
        const row = quarterOf(h) * MU_POINTS;
        for (let k = 0; k < MU_POINTS; k++) loo[k] -= table[row + k];
      }
      softmaxInPlace(loo);
      const q = new Float64Array(GAIN_HOURS);
      for (let k = 0; k < MU_POINTS; k++) q[Math.round(hourDistance(s.localHour, muHour(k)))] += loo[k];
      rows.push({ customer: c, response: s.response, q });
    }
  });
  let gain = new Array<number>(GAIN_HOURS).fill(1);
  const rate = new Float64Array(observations.length);
  const totalResponses = responses.reduce((a, b) => a + b, 0);
  for (let round = 0; round < EM_ROUNDS; round++) {
    exposure.fill(0);
    for (const r of rows) for (let d = 0; d < GAIN_HOURS; d++) exposure[r.customer] += r.q[d] * gain[d];
    const overall = totalResponses / Math.max(1e-9, exposure.reduce((a, b) => a + b, 0));
    for (let c = 0; c < observations.length; c++) {
      rate[c] = (responses[c] + config.priorSends * overall) / (exposure[c] + config.priorSends);
    }
    const num = new Float64Array(GAIN_HOURS);
    const den = new Float64Array(GAIN_HOURS);
    for (const r of rows) {
      for (let d = 0; d < GAIN_HOURS; d++) {
        num[d] += r.response * r.q[d];
        den[d] += rate[r.customer] * r.q[d];
      }
    }
    const level = num.reduce((a, b) => a + b, 0) / Math.max(1e-9, den.reduce((a, b) => a + b, 0));
    const pseudo = config.gainPriorSends * overall;
    const raw = Array.from(num, (n, d) => (n + pseudo * level) / (den[d] + pseudo));
    // Sending closer to the desk hour never hurts: a shape constraint, not a formula.
    const monotone = nonIncreasing(raw, Array.from(den));
    gain = monotone.map((g) => Math.max(0.01, g / Math.max(1e-9, monotone[0])));
  }
  exposure.fill(0);
  let logged = 0;
  for (const r of rows) {
    let e = 0;
    for (let d = 0; d < GAIN_HOURS; d++) e += r.q[d] * gain[d];
    exposure[r.customer] += e;
    logged += e;
  }
  return { gain: gain.map(round6), meanLoggedGain: rows.length ? round6(logged / rows.length) : 1, responses, exposure };
}

export function fitSendTime(
  inputs: SendTimeInput[],
  config: SendTimeConfig,
  onProgress?: (fraction: number, message?: string) => void,
): SendTimeState {
  const defaultTimezone = mostCommonZone(inputs);
  const observations = inputs.map((i) => observe(i, config, defaultTimezone));
  onProgress?.(0.2, `read ${observations.length} customers`);
  const actionSpreadHours = round6(actionSpread(observations));
  const table = actionLogLikTable(actionSpreadHours, config.actionNoiseShare);
  const priors = deskHourPriors(observations, actionPosteriors(observations, table), config.minSegmentCustomers);
  const logPortfolio = Float64Array.from(mixUniform(priors.portfolio), Math.log);
  const logSegments = new Map([...priors.segments].map(([s, p]) => [s, Float64Array.from(mixUniform(p.density), Math.log)]));
  onProgress?.(0.4, 'fitting the distance-response curve');
  const fit = fitGain(observations, (s) => logSegments.get(s) ?? logPortfolio, table, config);
  const baseRate = (rows: number[]) => {
    let r = 0;
    let e = 0;
    for (const i of rows) [r, e] = [r + fit.responses[i], e + fit.exposure[i]];
    return e > 0 ? round6(Math.min(0.95, r / e)) : 0;
  };
  const all = observations.map((_, i) => i);
  const portfolio: SendTimeSegmentPrior = {
    customers: observations.length,
    customersWithActions: priors.withActions,
    deskHourPrior: mixUniform(priors.portfolio),
    baseRate: baseRate(all),
    usualHour: 0,
  };
  const segments: Record<string, SendTimeSegmentPrior> = {};
  for (const [segment, p] of [...priors.segments].sort(([a], [b]) => a.localeCompare(b))) {
    const rows = all.filter((i) => observations[i].segment === segment);
    segments[segment] = { customers: p.all, customersWithActions: p.withActions, deskHourPrior: mixUniform(p.density), baseRate: baseRate(rows), usualHour: 0 };
  }
  const state: SendTimeState = {
    model: SEND_TIME_MODEL,
    formatVersion: SEND_TIME_FORMAT_VERSION,
    config,
    actionSpreadHours,
    gainByDistance: fit.gain,
    meanLoggedGain: fit.meanLoggedGain,
    defaultTimezone,
    defaultHour: config.sendWindow[0],
    portfolio,
    segments,
    training: {
      customers: observations.length,
      sends: observations.reduce((a, o) => a + o.sends.length, 0),
      humanResponses: observations.reduce((a, o) => a + o.sends.filter((s) => s.actionHours.length > 0).length, 0),
      actions: observations.reduce((a, o) => a + o.sends.reduce((b, s) => b + s.actionHours.length, 0), 0),
      machineOpensIgnored: observations.reduce((a, o) => a + o.machineOpensIgnored, 0),
    },
  };
  onProgress?.(0.7, 'choosing the default hour');
  for (const prior of [portfolio, ...Object.values(segments)]) {
    prior.usualHour = bestInWindow(priorRateCurve(prior.deskHourPrior, fit.gain), config.sendWindow);
  }
  const estimator = new SendTimeEstimator(state);
  const total = new Float64Array(24);
  for (const o of observations) {
    const e = estimator.estimate(o);
    for (let h = 0; h < 24; h++) total[h] += e.rateByHour[h];
  }
  state.defaultHour = bestInWindow(total, config.sendWindow);
  return state;
}

/** Relative response by send hour when only the prior is known. */
function priorRateCurve(prior: number[], gainByHour: number[]): Float64Array {
  const gain = gainByQuarter(gainByHour);
  const curve = new Float64Array(24);
  for (let h = 0; h < 24; h++) {
    const row = quarterOf(h) * MU_POINTS;
    for (let k = 0; k < MU_POINTS; k++) curve[h] += prior[k] * gain[DISTANCE_INDEX[row + k]];
  }
  return curve;
}

function bestInWindow(curve: ArrayLike<number>, [from, to]: [number, number]): number {
  let best = from;
  for (let h = from; h <= to; h++) if (curve[h] > curve[best] + 1e-12) best = h;
  return best;
}
