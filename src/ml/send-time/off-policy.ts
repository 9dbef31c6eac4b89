// What would the response rate have been had reminders left at the
// recommended hour? Estimated off-policy from reminders already sent: the
// platform sent them at randomised local hours (per template), so the
// reminders that happened to leave at a customer's recommended hour, weighted
// by the inverse of how likely that hour was for their template, stand for the
// new policy (self-normalised inverse propensity, "replay"). The logging
// propensities are not in the data: they are estimated from the send-hour
// histogram of each template.
import type { SendTimeConfig } from './config.js';
import { parseInstant } from './local-time.js';
import { asOfInstant, observe } from './observations.js';
import type { SendTimeInput } from './types.js';

export interface LoggedSend {
  /** Position of the customer in the evaluated list. */
  customer: number;
  localHour: number;
  template: string;
  humanResponse: boolean;
  replied: boolean;
}

/** The reminders a customer got after `input.asOf` (up to `logEnd`): the evaluation log. */
export function sendsAfterAsOf(
  input: SendTimeInput,
  customer: number,
  config: SendTimeConfig,
  fallbackZone: string,
  logEnd: string | null,
): LoggedSend[] {
  const from = input.asOf ? asOfInstant(input.asOf) : Number.NEGATIVE_INFINITY;
  const later = input.communications.filter((c) => (parseInstant(c.sentAt) ?? Number.NEGATIVE_INFINITY) >= from);
  const obs = observe({ ...input, asOf: logEnd, communications: later, payments: [] }, { ...config, paymentWeight: 0 }, fallbackZone);
  return obs.sends.map((s) => ({
    customer,
    localHour: s.localHour,
    template: s.template,
    humanResponse: s.actionHours.length > 0,
    replied: s.replied,
  }));
}

export interface OffPolicyEstimate {
  sends: number;
  /** Share of logged reminders whose template can send at the target hour at all. */
  supportedShare: number;
  /** Reminders that left at the target hour (the ones that carry the estimate). */
  matchedSends: number;
  /** Estimated rate under the target policy (SNIPS) and the logged rate, on supported reminders. */
  policyValue: number;
  loggingValue: number;
  uplift: number;
  upliftStandardError: number;
}

const hourBin = (h: number) => Math.round(h) % 24;

/** A template needs this many logged sends in an hour bin before that hour counts as supported. */
const MIN_BIN_SENDS = 5;

/** The logging policy as estimated from the log: send-hour histogram per template (index 24 = total). */
export function loggingHistogram(sends: LoggedSend[]): Map<string, Float64Array> {
  const counts = new Map<string, Float64Array>();
  for (const s of sends) {
    let c = counts.get(s.template);
    if (!c) counts.set(s.template, (c = new Float64Array(25)));
    c[hourBin(s.localHour)]++;
    c[24]++;
  }
  return counts;
}

/** Could the logging policy have sent this reminder at `target`? If not, the reminder says nothing about it. */
export function supportsHour(histogram: Map<string, Float64Array>, s: LoggedSend, target: number): boolean {
  const c = histogram.get(s.template);
  return !!c && c[hourBin(target)] >= MIN_BIN_SENDS;
}

export function offPolicyUplift(
  sends: LoggedSend[],
  targetHour: (customer: number) => number,
  outcome: (s: LoggedSend) => number,
): OffPolicyEstimate {
  const counts = loggingHistogram(sends);
  const weights: number[] = [];
  const outcomes: number[] = [];
  let matched = 0;
  for (const s of sends) {
    const target = targetHour(s.customer);
    if (!supportsHour(counts, s, target)) continue;
    const c = counts.get(s.template)!;
    const w = hourBin(s.localHour) === hourBin(target) ? c[24] / c[hourBin(target)] : 0;
    if (w > 0) matched++;
    weights.push(w);
    outcomes.push(outcome(s));
  }
  const n = weights.length;
  const sumW = weights.reduce((a, b) => a + b, 0);
  const policyValue = sumW > 0 ? weights.reduce((a, w, i) => a + w * outcomes[i], 0) / sumW : Number.NaN;
  const loggingValue = n > 0 ? outcomes.reduce((a, b) => a + b, 0) / n : Number.NaN;
  // Delta method: influence of each reminder on (SNIPS value − logged mean).
  const meanW = sumW / Math.max(1, n);
  let ss = 0;
  for (let i = 0; i < n; i++) {
    const phi = (weights[i] * (outcomes[i] - policyValue)) / meanW - (outcomes[i] - loggingValue);
    ss += phi * phi;
  }
  return {
    sends: sends.length,
    supportedShare: sends.length ? n / sends.length : 0,
    matchedSends: matched,
    policyValue,
    loggingValue,
    uplift: policyValue - loggingValue,
    upliftStandardError: n > 1 ? Math.sqrt(ss / (n - 1) / n) : Number.NaN,
  };
}
