// Pure input and output types of the send-time model. The fields are the
// import format's words, so rows from the database, a replayed synthetic world
// or a unit-test factory all fit (a drift `CustomerHistory` is accepted as is).

/** An outbound reminder and what the customer did with it. */
export interface SendTimeCommunication {
  /** 'email' | 'letter' | 'sms' | 'call'; missing = email. */
  channel?: string | null;
  sentAt: string; // ISO 8601 timestamp
  openedAt?: string | null;
  /** A privacy proxy fetched the tracking pixel within minutes: says nothing about a person. */
  machineOpen?: boolean | null;
  clickedAt?: string | null;
  repliedAt?: string | null;
  bouncedAt?: string | null;
  /** Which reminder of the scenario (the logging policy chose send hours per template). */
  template?: string | null;
}

export interface SendTimePayment {
  paymentDate: string; // YYYY-MM-DD
}

export interface SendTimeInput {
  customerExternalId?: string;
  segment?: string | null;
  /** IANA zone of the customer; missing or unknown → the portfolio's most common zone. */
  timezone?: string | null;
  /** Events after this instant are not known yet (a timestamp or YYYY-MM-DD); default: no limit. */
  asOf?: string | null;
  communications: SendTimeCommunication[];
  /** Payments are a weak response signal: a payment soon after a reminder. */
  payments?: SendTimePayment[];
}

export interface SendTimeRecommendation {
  /** Local hour (0-23) to send at, i.e. `bestHour`:00 on the customer's clock. */
  bestHour: number;
  /** 0 = Sunday … 6 = Saturday, only when the customer's history shows a clear best weekday. */
  bestWeekday?: number;
  /** Probability that a reminder sent at bestHour gets a human response (reply, click or person's open). */
  expectedResponseRate: number;
  /** The portfolio's default send hour and this customer's expected response rate there. */
  defaultHour: number;
  defaultResponseRate: number;
  /** expectedResponseRate − defaultResponseRate (absolute, 0.04 = four points more). */
  vsDefault: number;
  /** The zone the hours are in. */
  timezone: string;
  evidence: SendTimeEvidence;
}

export interface SendTimeEvidence {
  /** Reminders of the modelled channels that reached the customer and are old enough to judge. */
  sends: number;
  /** Of those, how many got a human response (reply, click or person's open). */
  humanResponses: number;
  replies: number;
  /** Timed human actions (opens by a person, clicks, replies) that locate the customer's hours. */
  actions: number;
  machineOpensIgnored: number;
  /** Payments within the configured window after a reminder (weak responses). */
  paymentResponses: number;
}

/** One reminder as the model sees it: local send time and the human response it got. */
export interface SendObservation {
  localHour: number;
  weekday: number;
  /** 1 for a human response, the payment weight for a payment soon after, else 0. */
  response: number;
  replied: boolean;
  template: string;
  /** Local hours of the human actions this send triggered (deduplicated). */
  actionHours: number[];
}

export interface CustomerObservations {
  customerExternalId?: string;
  segment: string;
  timezone: string;
  timezoneKnown: boolean;
  sends: SendObservation[];
  machineOpensIgnored: number;
  paymentResponses: number;
}
