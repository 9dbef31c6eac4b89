// The send-time artifact: plain JSON, small (a few kB whatever the portfolio size).
import type { Artifact } from '../model.js';
import type { SendTimeConfig } from './config.js';
import { MU_POINTS } from './grid.js';

export const SEND_TIME_MODEL = 'send-time';
export const SEND_TIME_FORMAT_VERSION = 1;

/** What a segment (or the whole portfolio) looks like: the prior a thin customer is pulled to. */
export interface SendTimeSegmentPrior {
  customers: number;
  /** Customers with at least one timed human action. */
  customersWithActions: number;
  /** Distribution of the desk hour over the hour grid (24 values summing to 1). */
  deskHourPrior: number[];
  /** Human response rate of a reminder sent right at the customer's desk hour. */
  baseRate: number;
  /** The segment's most likely desk hour. */
  usualHour: number;
}

export interface SendTimeTrainingSummary {
  customers: number;
  sends: number;
  humanResponses: number;
  actions: number;
  machineOpensIgnored: number;
}

export interface SendTimeState {
  model: typeof SEND_TIME_MODEL;
  formatVersion: typeof SEND_TIME_FORMAT_VERSION;
  config: SendTimeConfig;
  /** Typical spread (hours) of a customer's action times around their desk hour. */
  actionSpreadHours: number;
  /**
   * Response rate relative to sending at the desk hour, by whole-hour distance
   * 0…12 from it (gain[0] = 1, non-increasing): learned from the portfolio.
   */
  gainByDistance: number[];
  /** Average gain of the logged reminders (the current policy's send hours). */
  meanLoggedGain: number;
  defaultTimezone: string;
  /** The best single hour for the whole portfolio: what is sent without personalisation. */
  defaultHour: number;
  portfolio: SendTimeSegmentPrior;
  segments: Record<string, SendTimeSegmentPrior>;
  training: SendTimeTrainingSummary;
}

export class SendTimeArtifactError extends Error {
  readonly code = 'AR_ERR_SEND_TIME_ARTIFACT';
  readonly statusCode = 500;
  constructor(message: string) {
    super(message);
    this.name = 'SendTimeArtifactError';
  }
}

export function sendTimeState(artifact: Artifact): SendTimeState {
  const s = artifact?.state as Partial<SendTimeState> | null | undefined;
  if (!s || s.model !== SEND_TIME_MODEL || s.formatVersion !== SEND_TIME_FORMAT_VERSION) {
    throw new SendTimeArtifactError(`artifact is not a ${SEND_TIME_MODEL} model (format version ${SEND_TIME_FORMAT_VERSION})`);
  }
  if (!s.portfolio || s.portfolio.deskHourPrior.length !== MU_POINTS || !Array.isArray(s.gainByDistance) || s.gainByDistance.length !== 13) {
    throw new SendTimeArtifactError('send-time artifact is incomplete (priors or gain curve missing)');
  }
  return s as SendTimeState;
}
