// Replays customers' histories settlement by settlement and scores the drift
// alerts against known drifts (the synthetic world's truth). Pure: the caller
// loads the files.
import { DRIFT_KINDS, type CustomerHistory, type DriftAssessment, type DriftKind } from '../../src/ml/drift/types.js';

export interface AlertEvent {
  kind: DriftKind;
  /** The settlement date at which the flag turned on. */
  date: string;
  /** Position, in settlement order, of the first invoice settled that day. */
  step: number;
}

export interface Replay {
  customerExternalId: string;
  /** Invoice ids in settlement order (the replay's steps). */
  settled: string[];
  /** Days (YYYY-MM-DD) reminders a customer could react to were sent, in order: an engagement drop's evidence. */
  reminders?: string[];
  events: AlertEvent[];
}

/** Channels a customer can react to (letters cannot be answered in the data). */
export const REACTABLE_CHANNELS = new Set(['email', 'call', 'sms']);

function reactableReminderDays(history: CustomerHistory): string[] {
  return history.communications
    .filter((c) => REACTABLE_CHANNELS.has(c.channel ?? 'email') && !c.bouncedAt)
    .map((c) => c.sentAt.slice(0, 10))
    .sort();
}

/**
 * Assesses the customer as of each settlement date and records each time a
 * signal's flag turns on: that is when a collector would be told.
 */
export function replayCustomer(history: CustomerHistory, assess: (h: CustomerHistory) => DriftAssessment): Replay {
  const settled = history.invoices
    .filter((i) => i.settledDate)
    .map((i, k) => ({ id: i.externalId ?? `#${k}`, date: i.settledDate!, due: i.dueDate }))
    .sort((a, b) => (a.date < b.date ? -1 : a.date > b.date ? 1 : a.due < b.due ? -1 : a.due > b.due ? 1 : 0));
  const events: AlertEvent[] = [];
  const on = new Set<DriftKind>();
  for (let step = 0; step < settled.length; step++) {
    if (step > 0 && settled[step].date === settled[step - 1].date) continue;
    const a = assess({ ...history, asOf: settled[step].date });
    for (const kind of DRIFT_KINDS) {
      const flag = a.signals[kind].flag;
      if (flag && !on.has(kind)) events.push({ kind, date: settled[step].date, step });
      if (flag) on.add(kind);
      else on.delete(kind);
    }
  }
  return {
    customerExternalId: history.customerExternalId ?? '',
    settled: settled.map((s) => s.id),
    reminders: reactableReminderDays(history),
    events,
  };
}

export interface KnownDrift {
  customerExternalId: string;
  kind: DriftKind;
  startDate: string;
  firstAffectedInvoiceExternalId: string | null;
  /** False when the history cannot show the change in the window (e.g. no reminder was sent); unknown = true. */
  observable?: boolean;
}

export interface KindReport {
  kind: DriftKind;
  /** Drifting customers whose first affected invoice settled within the history. */
  drifting: number;
  /** Detected within `windowInvoices` settled invoices of the first affected one. */
  detected: number;
  /** Detected at any time after the drift started. */
  detectedLate: number;
  /** Customers alerted for this kind wrongly: not drifting this way, or before the drift started. */
  falseAlertCustomers: number;
  /** Among them, the hard negatives (noisy but stable customers). */
  falseAlertNoisy: number;
  recall: number;
  recallAnyDelay: number;
  /** Drifting customers whose history could show the change within the window, and the recall among them. */
  observable: number;
  recallObservable: number;
  precision: number;
  medianDelayInvoices: number | null;
  /**
   * Reminders (reactable, not bounced) sent from the drift's start to the
   * alert, over every detection at any delay: how much evidence an alert took.
   * Null when the replays carry no reminders.
   */
  medianDelayReminders: number | null;
}

function median(values: number[]): number | null {
  if (!values.length) return null;
  const s = [...values].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

/**
 * Per kind: recall within the window, precision over alerted customers, and
 * the delay in settled invoices from the first affected invoice to the alert
 * (0 = alerted by the time the first affected invoice settled).
 */
export function scoreReplays(
  replays: Replay[],
  drifts: KnownDrift[],
  noisyStable: Set<string>,
  windowInvoices = 2,
): KindReport[] {
  const driftOf = new Map(drifts.map((d) => [d.customerExternalId, d]));
  return DRIFT_KINDS.map((kind) => {
    let drifting = 0;
    let detected = 0;
    let detectedLate = 0;
    let falseAlertCustomers = 0;
    let falseAlertNoisy = 0;
    let observable = 0;
    let detectedObservable = 0;
    const delays: number[] = [];
    const reminderDelays: number[] = [];
    for (const r of replays) {
      const truth = driftOf.get(r.customerExternalId);
      const events = r.events.filter((e) => e.kind === kind);
      const isDrift = truth?.kind === kind;
      const falseEvents = events.filter((e) => !isDrift || e.date < truth!.startDate);
      if (falseEvents.length) {
        falseAlertCustomers++;
        if (noisyStable.has(r.customerExternalId)) falseAlertNoisy++;
      }
      if (!isDrift) continue;
      const firstStep = truth!.firstAffectedInvoiceExternalId ? r.settled.indexOf(truth!.firstAffectedInvoiceExternalId) : -1;
      if (firstStep < 0) continue; // the drift never reached a settlement in the window of history
      drifting++;
      const canSee = truth!.observable !== false;
      if (canSee) observable++;
      const hit = events.find((e) => e.date >= truth!.startDate);
      if (!hit) continue;
      detectedLate++;
      if (r.reminders) reminderDelays.push(r.reminders.filter((d) => d >= truth!.startDate && d <= hit.date).length);
      const delay = Math.max(0, hit.step - firstStep);
      if (delay <= windowInvoices) {
        detected++;
        if (canSee) detectedObservable++;
        delays.push(delay);
      }
    }
    const alerted = detectedLate + falseAlertCustomers;
    return {
      kind,
      drifting,
      detected,
      detectedLate,
      falseAlertCustomers,
      falseAlertNoisy,
      recall: drifting ? detected / drifting : NaN,
      recallAnyDelay: drifting ? detectedLate / drifting : NaN,
      observable,
      recallObservable: observable ? detectedObservable / observable : NaN,
      precision: alerted ? detectedLate / alerted : NaN,
      medianDelayInvoices: median(delays),
      medianDelayReminders: median(reminderDelays),
    };
  });
}
