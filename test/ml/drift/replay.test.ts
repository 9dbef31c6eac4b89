import { describe, expect, it } from 'vitest';
import { driftModel, DriftPredictor, driftState } from '../../../src/ml/drift/index.js';
import { replayCustomer, scoreReplays, type KnownDrift, type Replay } from '../../../training/drift/replay.js';
import { simulateCustomer } from './factories.js';

const settled = (n: number) => Array.from({ length: n }, (_, i) => `inv-${i}`);
const replay = (id: string, events: Replay['events']): Replay => ({ customerExternalId: id, settled: settled(20), events });
const drift = (id: string, startDate: string, first: number): KnownDrift => ({
  customerExternalId: id,
  kind: 'delay_creep',
  startDate,
  firstAffectedInvoiceExternalId: `inv-${first}`,
});

describe('when scoring replayed alerts against known drifts', () => {
  const replays = [
    replay('on-time', [{ kind: 'delay_creep', date: '2025-06-10', step: 12 }]), // 2 invoices after the first affected
    replay('late', [{ kind: 'delay_creep', date: '2025-08-10', step: 14 }]), // 4 after: found, not in time
    replay('early-false', [
      { kind: 'delay_creep', date: '2025-01-10', step: 3 }, // before the drift: a false alert
      { kind: 'delay_creep', date: '2025-06-01', step: 10 },
    ]),
    replay('stable', [{ kind: 'delay_creep', date: '2025-03-01', step: 5 }]),
    replay('quiet-stable', []),
  ];
  const drifts = [drift('on-time', '2025-05-01', 10), drift('late', '2025-05-01', 10), drift('early-false', '2025-05-01', 10)];
  const [delay] = scoreReplays(replays, drifts, new Set(['stable']));

  it('counts recall within the window of settled invoices', () => {
    expect(delay.drifting).toBe(3);
    expect(delay.detected).toBe(2);
    expect(delay.recall).toBeCloseTo(2 / 3);
    expect(delay.recallAnyDelay).toBe(1);
  });

  it('counts a false alert before the drift and on a stable customer against precision', () => {
    expect(delay.falseAlertCustomers).toBe(2);
    expect(delay.falseAlertNoisy).toBe(1);
    expect(delay.precision).toBeCloseTo(3 / 5);
  });

  it('measures the delay from the first affected invoice', () => {
    expect(delay.medianDelayInvoices).toBe(1); // delays 2 and 0
  });
});

describe('when replaying a simulated customer settlement by settlement', () => {
  const predictor = new DriftPredictor(driftState(driftModel.trainSync({ examples: [] })));
  const c = simulateCustomer({ seed: 91, disputeRate: 0, drift: { kind: 'delay_creep', atInvoice: 14 } });
  const r = replayCustomer(c.history, (h) => predictor.assess(h));

  it('alerts once, within three invoices of the change, and not before', () => {
    expect(r.events.map((e) => e.kind)).toEqual(['delay_creep']);
    expect(r.events[0].step).toBeGreaterThanOrEqual(14);
    expect(r.events[0].step).toBeLessThanOrEqual(16);
  });
});

describe('when the replays carry the reminders sent', () => {
  const reminders = ['2025-04-20', '2025-05-02', '2025-05-20', '2025-06-01', '2025-06-15'];
  const replays: Replay[] = [
    { customerExternalId: 'quiet', settled: settled(20), reminders, events: [{ kind: 'delay_creep', date: '2025-06-10', step: 12 }] },
  ];
  const [delay] = scoreReplays(replays, [drift('quiet', '2025-05-01', 10)], new Set());

  it('counts the reminders from the start of the drift to the alert', () => {
    expect(delay.medianDelayReminders).toBe(3); // 05-02, 05-20, 06-01
  });

  it('reports none when no replay carries reminders', () => {
    const [bare] = scoreReplays([{ ...replays[0], reminders: undefined }], [drift('quiet', '2025-05-01', 10)], new Set());
    expect(bare.medianDelayReminders).toBeNull();
  });
});
