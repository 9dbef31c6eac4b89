// Settings of the send-time model: business choices (which hours we may send
// at, which channels count) and statistical ones (how much a single customer's
// events weigh against their segment).

export interface SendTimeConfig {
  /** Channels whose reminders are modelled; only emails carry open/click tracking. */
  channels: string[];
  /** Hours (local, inclusive) the business accepts to send at; the recommendation stays inside. */
  sendWindow: [number, number];
  /** A human action later than this after the send is not a response to it. */
  responseWindowDays: number;
  /** A payment within this many days after a reminder counts as a weak response… */
  paymentWindowDays: number;
  /** …with this weight (1 = as good as a reply); payments carry no time of day. */
  paymentWeight: number;
  /** Share of a customer's actions that happen at random hours (robustness to odd evenings). */
  actionNoiseShare: number;
  /** Prior strength of the segment's response rate, in reminders sent at the customer's best hour. */
  priorSends: number;
  /** Prior strength (in reminders) pulling the distance-response curve toward flat. */
  gainPriorSends: number;
  /** Segments with fewer customers than this are pooled with the portfolio. */
  minSegmentCustomers: number;
  /** Weekday advice needs this many reminders on that weekday… */
  weekdayMinSends: number;
  /** …and a response rate this far above the customer's average (absolute). */
  weekdayMinLift: number;
}

export const DEFAULT_SEND_TIME_CONFIG: SendTimeConfig = {
  channels: ['email'],
  sendWindow: [6, 20],
  responseWindowDays: 7,
  paymentWindowDays: 2,
  paymentWeight: 0.25,
  actionNoiseShare: 0.1,
  priorSends: 4,
  gainPriorSends: 20,
  minSegmentCustomers: 30,
  weekdayMinSends: 6,
  weekdayMinLift: 0.15,
};

export type SendTimeConfigPatch = Partial<SendTimeConfig>;

export function sendTimeConfig(patch: SendTimeConfigPatch = {}): SendTimeConfig {
  const config = { ...DEFAULT_SEND_TIME_CONFIG, ...patch };
  const [from, to] = config.sendWindow;
  if (!(Number.isInteger(from) && Number.isInteger(to) && from >= 0 && to <= 23 && from <= to)) {
    throw new RangeError(`sendWindow must be two whole hours 0 ≤ from ≤ to ≤ 23, got [${from}, ${to}]`);
  }
  if (!(config.paymentWeight >= 0 && config.paymentWeight <= 1)) throw new RangeError('paymentWeight must be within 0..1');
  return config;
}
