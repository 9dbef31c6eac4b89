// From a customer's reminders to what the model learns from: the local hour
// each reminder left, whether a person responded, and at which local hours the
// person acted. Machine opens (privacy proxies fetching the pixel within
// minutes, at any hour) are dropped: they tell nothing about a reader.
import type { SendTimeConfig } from './config.js';
import { isKnownZone, parseInstant, zoneClock } from './local-time.js';
import type { CustomerObservations, SendObservation, SendTimeInput } from './types.js';

const MS_PER_DAY = 86_400_000;
/** Actions closer than this are one reaction (an open, then the click a minute later). */
const SAME_REACTION_MS = 30 * 60_000;

const instant = parseInstant;

/** A date means "known by the end of that day"; a timestamp is taken as is. */
export function asOfInstant(asOf: string | null | undefined): number {
  if (!asOf) return Number.POSITIVE_INFINITY;
  const t = parseInstant(asOf);
  if (t === null) throw new RangeError(`asOf is not a date: ${asOf}`);
  return asOf.length === 10 ? t + MS_PER_DAY : t;
}

/** The customer's payment days as a bitmap from the first one: "paid on day d?" is one look-up. */
interface PaymentCalendar {
  first: number;
  paid: Uint8Array;
}

function paymentCalendar(input: SendTimeInput, asOfMs: number): PaymentCalendar {
  const days: number[] = [];
  let first = Number.POSITIVE_INFINITY;
  let last = Number.NEGATIVE_INFINITY;
  for (const p of input.payments ?? []) {
    const t = instant(p.paymentDate);
    if (t === null || t >= asOfMs) continue;
    const day = Math.floor(t / MS_PER_DAY);
    days.push(day);
    if (day < first) first = day;
    if (day > last) last = day;
  }
  const paid = new Uint8Array(days.length ? last - first + 1 : 0);
  for (const d of days) paid[d - first] = 1;
  return { first, paid };
}

function paidBetween(calendar: PaymentCalendar, from: number, to: number): boolean {
  for (let d = Math.max(from, calendar.first); d <= to && d - calendar.first < calendar.paid.length; d++) {
    if (calendar.paid[d - calendar.first]) return true;
  }
  return false;
}

export function observe(input: SendTimeInput, config: SendTimeConfig, fallbackZone: string): CustomerObservations {
  const timezoneKnown = isKnownZone(input.timezone);
  const zone = timezoneKnown ? (input.timezone as string) : fallbackZone;
  const clock = zoneClock(zone);
  const asOfMs = asOfInstant(input.asOf);
  const windowMs = config.responseWindowDays * MS_PER_DAY;
  let payments: PaymentCalendar | undefined; // read only when a reminder got no human response
  const channels = config.channels;
  const sends: SendObservation[] = [];
  let machineOpensIgnored = 0;
  let paymentResponses = 0;
  const times: number[] = [];
  for (const c of input.communications) {
    if (!channels.includes(c.channel ?? 'email')) continue;
    const sent = instant(c.sentAt);
    // Too recent to judge: a missing response may still come.
    if (sent === null || sent + windowMs > asOfMs) continue;
    const bounced = instant(c.bouncedAt);
    if (bounced !== null && bounced <= asOfMs) continue;
    if (c.machineOpen) machineOpensIgnored++;
    const last = Math.min(sent + windowMs, asOfMs);
    times.length = 0;
    const opened = c.machineOpen ? null : instant(c.openedAt);
    const clicked = instant(c.clickedAt);
    const replied = instant(c.repliedAt);
    if (opened !== null && opened >= sent && opened <= last) times.push(opened);
    if (clicked !== null && clicked >= sent && clicked <= last) times.push(clicked);
    const answered = replied !== null && replied >= sent && replied <= last;
    if (answered) times.push(replied);
    if (times.length > 1) times.sort((a, b) => a - b);
    const actionHours: number[] = [];
    let previous = Number.NEGATIVE_INFINITY;
    for (const t of times) {
      if (t - previous >= SAME_REACTION_MS) actionHours.push(clock.hour(t));
      previous = t;
    }
    const local = clock.read(sent);
    let response = actionHours.length > 0 ? 1 : 0;
    if (response === 0 && config.paymentWeight > 0) {
      payments ??= paymentCalendar(input, asOfMs);
      // A payment date is a calendar day of the customer's: "the next day" is
      // the next one on their clock, not in UTC (a reminder at 5 pm in Los
      // Angeles leaves on the next UTC day; at 8 am in Tokyo, on the previous).
      const day = local.day;
      if (paidBetween(payments, day + 1, day + config.paymentWindowDays)) {
        response = config.paymentWeight;
        paymentResponses++;
      }
    }
    sends.push({ localHour: local.hour, weekday: local.weekday, response, replied: answered, template: c.template ?? 'unknown', actionHours });
  }
  return {
    customerExternalId: input.customerExternalId,
    segment: input.segment ?? 'unknown',
    timezone: zone,
    timezoneKnown,
    sends,
    machineOpensIgnored,
    paymentResponses,
  };
}
