import { describe, expect, it } from 'vitest';
import { observe, sendTimeConfig } from '../../../src/ml/send-time/index.js';
import { MONDAY_JANUARY, iso, reminder } from './factories.js';

const config = sendTimeConfig();
const input = (communications: ReturnType<typeof reminder>[], extra = {}) => ({ timezone: 'America/New_York', communications, ...extra });

describe('when reading a customer’s reminders', () => {
  it('ignores a machine open: no response, no action hour, counted as ignored', () => {
    const obs = observe(input([reminder({ day: 0, sentHourUtc: 15, machineOpen: true })]), config, 'UTC');
    expect(obs.sends).toHaveLength(1);
    expect(obs.sends[0].response).toBe(0);
    expect(obs.sends[0].actionHours).toEqual([]);
    expect(obs.machineOpensIgnored).toBe(1);
  });

  it('keeps the reply of a machine-opened reminder (a person answered)', () => {
    const obs = observe(input([{ ...reminder({ day: 0, sentHourUtc: 15, machineOpen: true }), repliedAt: iso(MONDAY_JANUARY + 20 * 3_600_000) }]), config, 'UTC');
    expect(obs.sends[0].response).toBe(1);
    expect(obs.sends[0].actionHours).toEqual([15]);
  });

  it('reads send and action hours on the customer clock', () => {
    const obs = observe(input([reminder({ day: 0, sentHourUtc: 12, openedHourUtc: 14 })]), config, 'UTC');
    expect(obs.sends[0].localHour).toBe(7);
    expect(obs.sends[0].actionHours).toEqual([9]);
  });

  it('counts an open and a reply minutes apart as one reaction', () => {
    const r = reminder({ day: 0, sentHourUtc: 12, openedHourUtc: 14, repliedHourUtc: 14.2 });
    expect(observe(input([r]), config, 'UTC').sends[0].actionHours).toEqual([9]);
  });

  it('leaves out bounced reminders and channels without tracking', () => {
    const bounced = { ...reminder({ day: 0, sentHourUtc: 12 }), bouncedAt: iso(MONDAY_JANUARY + 12.05 * 3_600_000) };
    const letter = { ...reminder({ day: 1, sentHourUtc: 12 }), channel: 'letter' };
    expect(observe(input([bounced, letter]), config, 'UTC').sends).toHaveLength(0);
  });

  it('does not see what happened after asOf, nor judge reminders too recent to have an answer', () => {
    const answeredLater = reminder({ day: 0, sentHourUtc: 12, repliedHourUtc: 30 });
    const recent = reminder({ day: 9, sentHourUtc: 12 });
    const obs = observe(input([answeredLater, recent], { asOf: '2025-01-16' }), config, 'UTC');
    expect(obs.sends).toHaveLength(1);
    const early = observe(input([answeredLater], { asOf: '2025-01-06T23:00:00Z' }), { ...config, responseWindowDays: 0 }, 'UTC');
    expect(early.sends[0].response).toBe(0);
  });

  it('counts a payment the next day as a weak response', () => {
    const obs = observe(input([reminder({ day: 0, sentHourUtc: 15 })], { payments: [{ paymentDate: '2025-01-07' }] }), config, 'UTC');
    expect(obs.sends[0].response).toBe(config.paymentWeight);
    expect(obs.paymentResponses).toBe(1);
  });

  it('counts the days after a reminder on the customer calendar, not in UTC', () => {
    const paidOn = (timezone: string, sentAt: string, paymentDate: string) =>
      observe({ timezone, communications: [{ channel: 'email', sentAt }], payments: [{ paymentDate }] }, config, 'UTC').sends[0].response;
    // Monday 5 pm in Los Angeles is already Tuesday in UTC: Tuesday is the next day, Thursday the third.
    expect(paidOn('America/Los_Angeles', '2025-01-07T01:00:00Z', '2025-01-07')).toBe(config.paymentWeight);
    expect(paidOn('America/Los_Angeles', '2025-01-07T01:00:00Z', '2025-01-09')).toBe(0);
    // Tuesday 8 am in Tokyo is still Monday in UTC: a payment that same Tuesday may predate the reminder.
    expect(paidOn('Asia/Tokyo', '2025-01-06T23:00:00Z', '2025-01-07')).toBe(0);
    expect(paidOn('Asia/Tokyo', '2025-01-06T23:00:00Z', '2025-01-09')).toBe(config.paymentWeight);
  });

  it('reads an unknown timezone in the fallback zone and says so', () => {
    const obs = observe({ timezone: 'Nowhere/Land', communications: [reminder({ day: 0, sentHourUtc: 12 })] }, config, 'Europe/Paris');
    expect(obs.timezoneKnown).toBe(false);
    expect(obs.timezone).toBe('Europe/Paris');
    expect(obs.sends[0].localHour).toBe(13);
  });
});
