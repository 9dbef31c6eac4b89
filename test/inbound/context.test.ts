import { describe, expect, it } from 'vitest';
import { toContext } from '../../src/inbound/triage.js';

describe("when an email's triage is given its customer's facts", () => {
  it("reads the provider's 0..100 risk score as 0..1", () => {
    expect(toContext({ openAmount: 10, overdueAmount: 5, riskScore: 19, driftScore: 0.4, timezone: null })).toEqual({
      openAmount: 10, overdueAmount: 5, riskScore: 0.19, driftScore: 0.4,
    });
  });

  it('keeps an unscored customer unscored rather than calling it 50', () => {
    expect(toContext({ openAmount: 10, overdueAmount: 5, riskScore: null, driftScore: null, timezone: null })?.riskScore).toBeNull();
  });
});
