// Scoring: one customer's reminders in, the best local hour out, with reasons.
import type { Prediction, Predictor } from '../model.js';
import { sendTimeConfig } from './config.js';
import { SendTimeEstimator, type SendTimeEstimate } from './estimate.js';
import { observe } from './observations.js';
import { sendTimeReasons } from './reasons.js';
import type { SendTimeState } from './state.js';
import type { CustomerObservations, SendTimeInput, SendTimeRecommendation } from './types.js';

const round4 = (x: number) => Math.round(x * 1e4) / 1e4;

export interface SendTimeDetail {
  observations: CustomerObservations;
  estimate: SendTimeEstimate;
  recommendation: SendTimeRecommendation;
}

export class SendTimePredictor implements Predictor<SendTimeInput, SendTimeRecommendation> {
  private readonly estimator: SendTimeEstimator;

  constructor(readonly state: SendTimeState) {
    sendTimeConfig(state.config); // refuses an artifact with an impossible send window
    this.estimator = new SendTimeEstimator(state);
  }

  /** Everything behind a prediction (the evaluation and the reports use the posterior). */
  detail(input: SendTimeInput): SendTimeDetail {
    const observations = observe(input, this.state.config, this.state.defaultTimezone);
    const estimate = this.estimator.estimate(observations);
    const rate = estimate.rateByHour[estimate.bestHour];
    const defaultRate = estimate.rateByHour[this.state.defaultHour];
    const e = observations;
    const recommendation: SendTimeRecommendation = {
      bestHour: estimate.bestHour,
      ...(estimate.bestWeekday === undefined ? {} : { bestWeekday: estimate.bestWeekday }),
      expectedResponseRate: round4(rate),
      defaultHour: this.state.defaultHour,
      defaultResponseRate: round4(defaultRate),
      vsDefault: round4(rate - defaultRate),
      timezone: e.timezone,
      evidence: {
        sends: e.sends.length,
        humanResponses: e.sends.filter((s) => s.actionHours.length > 0).length,
        replies: e.sends.filter((s) => s.replied).length,
        actions: estimate.actions,
        machineOpensIgnored: e.machineOpensIgnored,
        paymentResponses: e.paymentResponses,
      },
    };
    return { observations, estimate, recommendation };
  }

  predict(input: SendTimeInput): Prediction<SendTimeRecommendation> {
    const { observations, estimate, recommendation } = this.detail(input);
    return {
      value: recommendation,
      confidence: round4(estimate.confidence),
      reasons: sendTimeReasons(observations, estimate, recommendation, this.state),
    };
  }

  predictMany(inputs: SendTimeInput[]): Prediction<SendTimeRecommendation>[] {
    return inputs.map((i) => this.predict(i));
  }
}
