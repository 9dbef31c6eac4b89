// The send-time model kind behind the one model interface. Training is
// closed-form and deterministic (no random draws), so `seed` has no effect.
import type { Artifact, Metrics, ModelKind, TrainOptions } from '../model.js';
import { sendTimeConfig, type SendTimeConfigPatch } from './config.js';
import { fitSendTime } from './fit.js';
import { hourDistance } from './local-time.js';
import { offPolicyUplift, sendsAfterAsOf, type LoggedSend } from './off-policy.js';
import { SendTimePredictor } from './predictor.js';
import { SEND_TIME_MODEL, sendTimeState } from './state.js';
import type { SendTimeInput, SendTimeRecommendation } from './types.js';

export interface SendTimeDataset {
  /**
   * One entry per customer. Training reads events up to each `asOf`;
   * evaluation predicts from them and replays the reminders sent after `asOf`.
   */
  customers: SendTimeInput[];
  /** End of the evaluation log (default: no end). */
  logEnd?: string | null;
  /** Known desk hours (synthetic truth), by customerExternalId, when evaluating on a generated world. */
  truePreferredHour?: Record<string, number>;
}

const round4 = (x: number) => Math.round(x * 1e4) / 1e4;

/** Metrics of a trained artifact on a dataset: off-policy uplift, and accuracy when the truth is known. */
export function evaluateSendTime(predictor: SendTimePredictor, data: SendTimeDataset): Metrics {
  return sendTimeEvaluation(predictor, data).metrics;
}

/** The metrics with what they were computed from: the evaluation log and each customer's recommended hour. */
export function sendTimeEvaluation(predictor: SendTimePredictor, data: SendTimeDataset): { metrics: Metrics; log: LoggedSend[]; best: (customer: number) => number } {
  const { config, defaultTimezone } = predictor.state;
  const details = data.customers.map((c) => predictor.detail(c));
  const log: LoggedSend[] = data.customers.flatMap((c, i) => sendsAfterAsOf(c, i, config, defaultTimezone, data.logEnd ?? null));
  const best = (i: number) => details[i].recommendation.bestHour;
  const response = offPolicyUplift(log, best, (s) => (s.humanResponse ? 1 : 0));
  const reply = offPolicyUplift(log, best, (s) => (s.replied ? 1 : 0));
  const metrics: Metrics = {
    customers: data.customers.length,
    meanConfidence: round4(details.reduce((a, d) => a + d.estimate.confidence, 0) / Math.max(1, details.length)),
    evaluationSends: log.length,
    supportedShare: round4(response.supportedShare),
    loggedResponseRate: round4(response.loggingValue),
    policyResponseRate: round4(response.policyValue),
    responseRateUplift: round4(response.uplift),
    responseRateUpliftSe: round4(response.upliftStandardError),
    replyRateUplift: round4(reply.uplift),
    replyRateUpliftSe: round4(reply.upliftStandardError),
  };
  const truth = data.truePreferredHour;
  if (truth) {
    const known = data.customers.map((c, i) => ({ i, hour: c.customerExternalId ? truth[c.customerExternalId] : undefined }));
    const scored = known.filter((k): k is { i: number; hour: number } => k.hour !== undefined);
    const within = (rows: typeof scored) => rows.filter((k) => hourDistance(best(k.i), k.hour) <= 1).length / Math.max(1, rows.length);
    metrics.within1h = round4(within(scored));
    metrics.within1hWithOwnActions = round4(within(scored.filter((k) => details[k.i].estimate.actions >= 3)));
  }
  return { metrics, log, best };
}

export function createSendTimeModel(patch: SendTimeConfigPatch = {}): ModelKind<SendTimeDataset, SendTimeInput, SendTimeRecommendation> {
  const config = sendTimeConfig(patch);
  return {
    name: SEND_TIME_MODEL,
    primaryMetric: 'responseRateUplift',
    metricDirection: 'higher',

    async train(data: SendTimeDataset, options: TrainOptions = {}): Promise<Artifact> {
      const to = options.window?.to;
      // A training window ends the known history: later events stay unseen.
      const customers = to ? data.customers.map((c) => ({ ...c, asOf: c.asOf && c.asOf < to ? c.asOf : to })) : data.customers;
      options.onProgress?.(0, `fitting on ${customers.length} customers`);
      const state = fitSendTime(customers, config, options.onProgress);
      options.onProgress?.(1, 'done');
      return { state };
    },

    async evaluate(artifact: Artifact, data: SendTimeDataset): Promise<Metrics> {
      return evaluateSendTime(new SendTimePredictor(sendTimeState(artifact)), data);
    },

    async load(artifact: Artifact): Promise<SendTimePredictor> {
      return new SendTimePredictor(sendTimeState(artifact));
    },
  };
}

export const sendTimeModel = createSendTimeModel();
