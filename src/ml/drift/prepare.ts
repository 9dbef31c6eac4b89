// Turns a customer's history into the ordered item sequences each signal reads,
// as known on `asOf`: anything dated later is dropped, so replaying a finished
// history date by date cannot leak the future.
import type { DriftConfig } from './config.js';
import { dayOf, dayOrNull } from './dates.js';
import type { CustomerHistory } from './types.js';

/** Undisputed settled invoices: a disputed invoice's delay is the dispute's, not the payer's habit. */
export interface DelaySequence {
  n: number;
  /** In the order the settlements became known (settled date, then due date). */
  daysLate: Float64Array;
  settledDay: Float64Array;
  dueDay: Float64Array;
}

/** Invoices whose dispute status is known: settled ones, and open ones already disputed. */
export interface DisputeSequence {
  n: number;
  /** In the order the outcome became known: the dispute date, else the settlement date. */
  knownDay: Float64Array;
  issueDay: Float64Array;
  disputed: Uint8Array;
}

export interface PaymentSequence {
  n: number;
  day: Float64Array;
  amount: Float64Array;
  method: string[];
}

export interface ReminderSequence {
  n: number;
  sentDay: Float64Array;
  /** 1 for an email (opens and clicks are tracked), 0 for a call or an SMS (only answers are). */
  email: Uint8Array;
  replied: Uint8Array;
  /** Opened by a person: opens flagged machineOpen are privacy-proxy fetches. */
  opened: Uint8Array;
  clicked: Uint8Array;
  machineOpen: Uint8Array;
}

export interface PreparedHistory {
  asOf: number;
  delays: DelaySequence;
  disputes: DisputeSequence;
  payments: PaymentSequence;
  reminders: ReminderSequence;
}

function order(keys: Float64Array, tieBreak?: Float64Array): Uint32Array {
  const idx = new Uint32Array(keys.length);
  for (let i = 0; i < idx.length; i++) idx[i] = i;
  return idx.sort((a, b) => keys[a] - keys[b] || (tieBreak ? tieBreak[a] - tieBreak[b] : 0) || a - b);
}

function prepareDelays(history: CustomerHistory, asOf: number): DelaySequence {
  const settled: number[] = [];
  const due: number[] = [];
  for (const inv of history.invoices) {
    if (!inv.settledDate || inv.disputed) continue;
    const day = dayOf(inv.settledDate);
    if (day > asOf) continue;
    settled.push(day);
    due.push(dayOf(inv.dueDate));
  }
  const n = settled.length;
  const s = Float64Array.from(settled);
  const d = Float64Array.from(due);
  const idx = order(s, d);
  const out: DelaySequence = { n, daysLate: new Float64Array(n), settledDay: new Float64Array(n), dueDay: new Float64Array(n) };
  for (let k = 0; k < n; k++) {
    out.settledDay[k] = s[idx[k]];
    out.dueDay[k] = d[idx[k]];
    out.daysLate[k] = s[idx[k]] - d[idx[k]];
  }
  return out;
}

function prepareDisputes(history: CustomerHistory, asOf: number): DisputeSequence {
  const known: number[] = [];
  const issue: number[] = [];
  const disputed: number[] = [];
  for (const inv of history.invoices) {
    const settled = dayOrNull(inv.settledDate);
    const disputedOn = inv.disputed ? dayOrNull(inv.disputedDate) : null;
    let day: number;
    if (disputedOn !== null && disputedOn <= asOf) day = settled !== null ? Math.min(settled, disputedOn) : disputedOn;
    else if (settled !== null && settled <= asOf) day = settled;
    else continue; // still open, no dispute known yet: its outcome is unknown
    known.push(day);
    issue.push(dayOf(inv.issueDate));
    disputed.push(inv.disputed ? 1 : 0);
  }
  const n = known.length;
  const k = Float64Array.from(known);
  const i = Float64Array.from(issue);
  const idx = order(k, i);
  const out: DisputeSequence = { n, knownDay: new Float64Array(n), issueDay: new Float64Array(n), disputed: new Uint8Array(n) };
  for (let j = 0; j < n; j++) {
    out.knownDay[j] = k[idx[j]];
    out.issueDay[j] = i[idx[j]];
    out.disputed[j] = disputed[idx[j]];
  }
  return out;
}

function preparePayments(history: CustomerHistory, asOf: number): PaymentSequence {
  const rows = history.payments
    .map((p) => ({ day: dayOf(p.paymentDate), amount: p.amount, method: p.method }))
    .filter((p) => p.day <= asOf && p.amount > 0);
  const n = rows.length;
  const days = new Float64Array(n);
  for (let i = 0; i < n; i++) days[i] = rows[i].day;
  const idx = order(days);
  const out: PaymentSequence = { n, day: new Float64Array(n), amount: new Float64Array(n), method: new Array(n) };
  for (let k = 0; k < n; k++) {
    const r = rows[idx[k]];
    out.day[k] = r.day;
    out.amount[k] = r.amount;
    out.method[k] = r.method;
  }
  return out;
}

/** A reaction counts only if it happened by asOf. */
function by(value: string | null | undefined, asOf: number): boolean {
  const d = dayOrNull(value);
  return d !== null && d <= asOf;
}

function prepareReminders(history: CustomerHistory, asOf: number, config: DriftConfig): ReminderSequence {
  const channels = config.engagement.channels;
  const rows: { sent: number; email: boolean; replied: boolean; opened: boolean; clicked: boolean; machine: boolean }[] = [];
  for (const c of history.communications) {
    const channel = c.channel ?? 'email';
    if (!channels.includes(channel)) continue;
    const sent = dayOf(c.sentAt);
    if (sent > asOf) continue;
    // A bounced reminder was never in front of the customer: not a chance to react.
    if (by(c.bouncedAt, asOf)) continue;
    const replied = by(c.repliedAt, asOf);
    const clicked = by(c.clickedAt, asOf);
    const anyOpen = by(c.openedAt, asOf);
    const machine = anyOpen && !!c.machineOpen;
    const opened = anyOpen && !c.machineOpen;
    // Too young to have been ignored: only reactions so far can be read.
    if (!(replied || clicked || opened) && asOf - sent < config.engagement.responseWindowDays) continue;
    rows.push({ sent, email: channel === 'email', replied, opened, clicked, machine });
  }
  const n = rows.length;
  const sentDays = new Float64Array(n);
  for (let i = 0; i < n; i++) sentDays[i] = rows[i].sent;
  const idx = order(sentDays);
  const out: ReminderSequence = {
    n,
    sentDay: new Float64Array(n),
    email: new Uint8Array(n),
    replied: new Uint8Array(n),
    opened: new Uint8Array(n),
    clicked: new Uint8Array(n),
    machineOpen: new Uint8Array(n),
  };
  for (let k = 0; k < n; k++) {
    const r = rows[idx[k]];
    out.sentDay[k] = r.sent;
    out.email[k] = r.email ? 1 : 0;
    out.replied[k] = r.replied ? 1 : 0;
    out.opened[k] = r.opened ? 1 : 0;
    out.clicked[k] = r.clicked ? 1 : 0;
    out.machineOpen[k] = r.machine ? 1 : 0;
  }
  return out;
}

export function prepareHistory(history: CustomerHistory, config: DriftConfig): PreparedHistory {
  const asOf = dayOf(history.asOf);
  // A whole date as asOf means the end of that day for timestamps.
  const asOfEnd = history.asOf.length === 10 ? asOf + 1 - 1e-9 : asOf;
  return {
    asOf,
    delays: prepareDelays(history, asOf),
    disputes: prepareDisputes(history, asOf),
    payments: preparePayments(history, asOf),
    reminders: prepareReminders(history, asOfEnd, config),
  };
}
