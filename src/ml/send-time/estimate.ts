// One customer's send-time estimate. The desk hour μ gets a posterior on the
// hour grid: the segment's prior, times the likelihood of the hours the
// person acted at, times the likelihood of which reminders got answered (a
// reminder sent d hours from μ is answered at rate b·gain(d)). The rate curve
// over send hours is then averaged over that posterior, so a thin history gives
// a flat, prior-like curve and a rich one a sharp, personal curve.
import { actionLogLikTable, DISTANCE_INDEX, DISTANCES, gainByQuarter, massNear, MU_POINTS, muHour, quarterOf, softmaxInPlace } from './grid.js';
import type { SendTimeSegmentPrior, SendTimeState } from './state.js';
import type { CustomerObservations } from './types.js';

/** A reminder is never a sure thing: caps b·gain so log(1 − p) stays finite. */
const MAX_RATE = 0.95;
const WEEKDAY_PRIOR_SENDS = 6;

export interface SendTimeEstimate {
  prior: SendTimeSegmentPrior;
  /** Whether the segment's own prior was used (else the portfolio's). */
  segmentPrior: boolean;
  posterior: Float64Array;
  /** Human response rate when sent at the desk hour (posterior mean, shrunk). */
  baseRate: number;
  /** Expected response rate for a reminder sent at h:00 local, h = 0…23 (NaN outside the send window). */
  rateByHour: Float64Array;
  bestHour: number;
  confidence: number;
  bestWeekday?: number;
  actions: number;
  responses: number;
}

export class SendTimeEstimator {
  private readonly actionLogLik: Float64Array;
  private readonly gain: Float64Array;
  private readonly logPriors = new Map<string, Float64Array>();
  // Scratch tables by distance, reused across customers (scoring is single-threaded).
  private readonly logP = new Float64Array(DISTANCES);
  private readonly logQ = new Float64Array(DISTANCES);
  private readonly rateAt = new Float64Array(DISTANCES);

  constructor(readonly state: SendTimeState) {
    this.actionLogLik = actionLogLikTable(state.actionSpreadHours, state.config.actionNoiseShare);
    this.gain = gainByQuarter(state.gainByDistance);
    this.logPriors.set('', Float64Array.from(state.portfolio.deskHourPrior, Math.log));
    for (const [name, p] of Object.entries(state.segments)) this.logPriors.set(name, Float64Array.from(p.deskHourPrior, Math.log));
  }

  priorOf(segment: string): { prior: SendTimeSegmentPrior; logPrior: Float64Array; segmentPrior: boolean } {
    const own = this.state.segments[segment];
    if (own) return { prior: own, logPrior: this.logPriors.get(segment)!, segmentPrior: true };
    return { prior: this.state.portfolio, logPrior: this.logPriors.get('')!, segmentPrior: false };
  }

  estimate(obs: CustomerObservations): SendTimeEstimate {
    const { prior, logPrior, segmentPrior } = this.priorOf(obs.segment);
    const { priorSends, sendWindow } = this.state.config;
    const gain = this.gain;
    const post = logPrior.slice();
    let responses = 0;
    let actions = 0;
    for (const s of obs.sends) {
      responses += s.response;
      for (const h of s.actionHours) {
        const row = quarterOf(h) * MU_POINTS;
        for (let k = 0; k < MU_POINTS; k++) post[k] += this.actionLogLik[row + k];
        actions++;
      }
    }
    // A first guess of b (logged reminders had the average gain) to weigh answered vs ignored reminders.
    const n = obs.sends.length;
    const b0 = (priorSends * prior.baseRate + responses) / (priorSends + n * this.state.meanLoggedGain);
    if (n > 0) {
      const { logP, logQ } = this;
      for (let d = 0; d < DISTANCES; d++) {
        const p = Math.min(MAX_RATE, b0 * gain[d]);
        logP[d] = Math.log(p);
        logQ[d] = Math.log1p(-p);
      }
      for (const s of obs.sends) {
        const row = quarterOf(s.localHour) * MU_POINTS;
        const r = s.response;
        if (r === 0 || r === 1) {
          const table = r === 1 ? logP : logQ;
          for (let k = 0; k < MU_POINTS; k++) post[k] += table[DISTANCE_INDEX[row + k]];
        } else {
          for (let k = 0; k < MU_POINTS; k++) {
            const d = DISTANCE_INDEX[row + k];
            post[k] += r * logP[d] + (1 - r) * logQ[d];
          }
        }
      }
    }
    softmaxInPlace(post);
    // b again, now that we know roughly how far from μ each reminder left.
    let exposure = 0;
    for (const s of obs.sends) {
      const row = quarterOf(s.localHour) * MU_POINTS;
      for (let k = 0; k < MU_POINTS; k++) exposure += post[k] * gain[DISTANCE_INDEX[row + k]];
    }
    const baseRate = (priorSends * prior.baseRate + responses) / (priorSends + exposure);
    const rateAt = this.rateAt;
    for (let d = 0; d < DISTANCES; d++) rateAt[d] = Math.min(MAX_RATE, baseRate * gain[d]);
    const rateByHour = new Float64Array(24).fill(Number.NaN);
    let bestHour = sendWindow[0];
    let bestGain = -Infinity;
    for (let h = sendWindow[0]; h <= sendWindow[1]; h++) {
      const row = quarterOf(h) * MU_POINTS;
      let r = 0;
      let g = 0;
      for (let k = 0; k < MU_POINTS; k++) {
        const d = DISTANCE_INDEX[row + k];
        r += post[k] * rateAt[d];
        g += post[k] * gain[d];
      }
      rateByHour[h] = r;
      // Chosen on the uncapped gain: for a customer who answers nearly everything
      // the capped rate is flat over many hours, and the first of them won.
      if (g > bestGain + 1e-12) [bestHour, bestGain] = [h, g];
    }
    return {
      prior,
      segmentPrior,
      posterior: post,
      baseRate,
      rateByHour,
      bestHour,
      confidence: massNear(post, bestHour, 1),
      bestWeekday: this.bestWeekday(obs, responses),
      actions,
      responses,
    };
  }

  /** A weekday only when it clearly stands out; most customers answer alike any weekday. */
  private bestWeekday(obs: CustomerObservations, responses: number): number | undefined {
    const n = obs.sends.length;
    if (n === 0) return undefined;
    const rate = responses / n;
    if (rate <= 0 || rate >= 1) return undefined;
    const sent = new Array<number>(7).fill(0);
    const answered = new Array<number>(7).fill(0);
    for (const s of obs.sends) {
      sent[s.weekday]++;
      answered[s.weekday] += s.response;
    }
    let best: number | undefined;
    let bestLift = this.state.config.weekdayMinLift;
    for (let w = 0; w < 7; w++) {
      if (sent[w] < this.state.config.weekdayMinSends) continue;
      const shrunk = (answered[w] + WEEKDAY_PRIOR_SENDS * rate) / (sent[w] + WEEKDAY_PRIOR_SENDS);
      const z = (answered[w] / sent[w] - rate) / Math.sqrt((rate * (1 - rate)) / sent[w]);
      if (shrunk - rate >= bestLift && z >= 2) {
        best = w;
        bestLift = shrunk - rate;
      }
    }
    return best;
  }
}

/** The grid point with the most posterior mass, as an hour. */
export function modeHour(post: Float64Array): number {
  let best = 0;
  for (let k = 1; k < post.length; k++) if (post[k] > post[best]) best = k;
  return muHour(best);
}
