import { describe, expect, it } from 'vitest';
import { offPolicyUplift, type LoggedSend } from '../../../src/ml/send-time/index.js';
import { Random } from '../../../src/world/rng.js';

/** A log with a known truth: response 0.5 within an hour of 10 am, else 0.2; two templates with different send windows. */
function simulatedLog(seed: number, n: number): LoggedSend[] {
  const rng = new Random(seed, 'send-time-log');
  const sends: LoggedSend[] = [];
  for (let i = 0; i < n; i++) {
    const automatic = rng.chance(0.7);
    const localHour = automatic ? rng.uniform(6, 20) : rng.uniform(8, 17.5);
    const p = Math.abs(localHour - 10) <= 1 ? 0.5 : 0.2;
    sends.push({ customer: i % 200, localHour, template: automatic ? 'auto' : 'manual', humanResponse: rng.chance(p), replied: false });
  }
  return sends;
}

describe('when replaying logged reminders for a target hour', () => {
  it('recovers the true response rate of "send at 10" and its uplift over the random hours', () => {
    const sends = simulatedLog(1, 20_000);
    const est = offPolicyUplift(sends, () => 10, (s) => (s.humanResponse ? 1 : 0));
    // Sending at 10:00 ±30 min lands within an hour of 10: true rate 0.5.
    expect(Math.abs(est.policyValue - 0.5)).toBeLessThan(3 * est.upliftStandardError + 0.01);
    expect(Math.abs(est.uplift - (0.5 - est.loggingValue))).toBeLessThan(3 * est.upliftStandardError + 0.01);
    expect(est.loggingValue).toBeLessThan(0.35);
    expect(est.supportedShare).toBe(1);
  });

  it('has no evidence for an hour the platform never sends at', () => {
    const est = offPolicyUplift(simulatedLog(2, 2_000), () => 3, (s) => (s.humanResponse ? 1 : 0));
    expect(est.supportedShare).toBe(0);
    expect(est.policyValue).toBeNaN();
  });

  it('only uses reminders whose template can send at the target hour', () => {
    const est = offPolicyUplift(simulatedLog(3, 5_000), () => 19, (s) => (s.humanResponse ? 1 : 0));
    expect(est.supportedShare).toBeGreaterThan(0.6);
    expect(est.supportedShare).toBeLessThan(0.8);
  });
});
