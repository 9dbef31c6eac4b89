import { describe, expect, it } from 'vitest';
import { hourDistance, sendTimeFactor } from '../../src/world/engagement.js';
import { smallWorld } from './factories.js';

const world = smallWorld();
const hourIn = (zone: string, iso: string): number => {
  const parts = new Intl.DateTimeFormat('en-US', { timeZone: zone, hourCycle: 'h23', hour: 'numeric', minute: 'numeric' }).formatToParts(new Date(iso));
  const get = (t: string) => Number(parts.find((p) => p.type === t)!.value);
  return get('hour') + get('minute') / 60;
};

describe('when reminders are emailed', () => {
  const emails = world.rows.communications.filter((c) => c.channel === 'email' && !c.bouncedAt);
  const classified = emails.map((c) => {
    const truth = world.truth.customers[c.customerExternalId].engagement;
    const distance = hourDistance(hourIn(truth.timezone, c.sentAt), truth.preferredReplyHour);
    return { c, near: distance <= 1.5, far: distance >= 5 };
  });

  it('gets more replies when sent near the customer preferred local hour', () => {
    const rate = (xs: typeof classified) => xs.filter((x) => x.c.repliedAt).length / xs.length;
    const near = classified.filter((x) => x.near);
    const far = classified.filter((x) => x.far);
    expect(near.length).toBeGreaterThan(100);
    expect(far.length).toBeGreaterThan(100);
    expect(rate(near)).toBeGreaterThan(1.5 * rate(far));
  });

  it('gets faster replies when sent near the customer preferred local hour', () => {
    const medianHours = (xs: typeof classified) => {
      const d = xs.filter((x) => x.c.repliedAt).map((x) => (Date.parse(x.c.repliedAt!) - Date.parse(x.c.sentAt)) / 3.6e6).sort((a, b) => a - b);
      return d[Math.floor(d.length / 2)];
    };
    expect(medianHours(classified.filter((x) => x.near))).toBeLessThan(medianHours(classified.filter((x) => x.far)) / 2);
  });

  it('sees human replies land around the preferred hour in the customer timezone', () => {
    const offsets = emails
      .filter((c) => c.repliedAt)
      .map((c) => {
        const t = world.truth.customers[c.customerExternalId].engagement;
        return hourDistance(hourIn(t.timezone, c.repliedAt!), t.preferredReplyHour);
      })
      .sort((a, b) => a - b);
    expect(offsets[Math.floor(offsets.length / 2)]).toBeLessThan(2);
  });

  it('records machine opens for customers behind privacy proxies only', () => {
    for (const c of emails.filter((e) => e.machineOpen)) {
      expect(world.truth.customers[c.customerExternalId].engagement.machineOpenShare).toBeGreaterThan(0);
    }
  });
});

describe('when the send-time effect is computed', () => {
  it('is 1 at the preferred hour and wraps around midnight', () => {
    expect(sendTimeFactor(9, 9)).toBe(1);
    expect(sendTimeFactor(23, 1)).toBeCloseTo(sendTimeFactor(3, 1), 10);
    expect(sendTimeFactor(15, 9)).toBeLessThan(0.1);
  });
});
