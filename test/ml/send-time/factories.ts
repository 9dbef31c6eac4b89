// Small factories for send-time tests: reminders at given UTC times and the
// customer's reactions, plus one trained artifact from a small generated world
// (synthetic, ground truth known).
import { generateWorld } from '../../../src/world/index.js';
import { createSendTimeModel, type SendTimeCommunication, type SendTimeInput, type SendTimePredictor } from '../../../src/ml/send-time/index.js';
import type { Artifact } from '../../../src/ml/model.js';
import { sendTimeWorld } from '../../../training/send-time/world-data.js';
import { fromMemory } from '../../../training/send-time/world-files.js';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
/** Monday 2025-01-06, 00:00 UTC: New York is UTC−5, Paris UTC+1 in January. */
export const MONDAY_JANUARY = Date.UTC(2025, 0, 6);
/** Monday 2025-07-07, 00:00 UTC: Paris is UTC+2 in July. */
export const MONDAY_JULY = Date.UTC(2025, 6, 7);

export const iso = (ms: number) => new Date(ms).toISOString();

export interface ReminderSpec {
  /** Days after `start` (weekdays are the caller's business). */
  day: number;
  /** UTC hour the reminder left. */
  sentHourUtc: number;
  /** UTC hour (same day) a person replied / opened; null = no reaction. */
  repliedHourUtc?: number | null;
  openedHourUtc?: number | null;
  /** A privacy proxy opened it 2 minutes after sending. */
  machineOpen?: boolean;
  template?: string;
}

export function reminder(spec: ReminderSpec, start = MONDAY_JANUARY): SendTimeCommunication {
  const base = start + spec.day * DAY;
  const at = (h: number | null | undefined) => (h == null ? null : iso(base + h * HOUR));
  return {
    channel: 'email',
    sentAt: iso(base + spec.sentHourUtc * HOUR),
    openedAt: spec.machineOpen ? iso(base + spec.sentHourUtc * HOUR + 2 * 60_000) : at(spec.openedHourUtc),
    machineOpen: spec.machineOpen ?? false,
    clickedAt: null,
    repliedAt: at(spec.repliedHourUtc),
    bouncedAt: null,
    template: spec.template ?? 'first-reminder',
  };
}

/** `n` reminders on consecutive weekdays at rotating UTC hours, each answered at `replyHourUtc` when `answered(i)`. */
export function customer(opts: {
  zone?: string | null;
  segment?: string;
  n: number;
  sentHoursUtc: number[];
  replyHourUtc?: number;
  answered?: (i: number) => boolean;
  machineOpens?: boolean;
  start?: number;
}): SendTimeInput {
  const communications: SendTimeCommunication[] = [];
  for (let i = 0; i < opts.n; i++) {
    const week = Math.floor(i / 5);
    const day = week * 7 + (i % 5);
    const answered = opts.replyHourUtc !== undefined && (opts.answered ?? (() => true))(i);
    communications.push(
      reminder(
        {
          day,
          sentHourUtc: opts.sentHoursUtc[i % opts.sentHoursUtc.length],
          repliedHourUtc: answered ? opts.replyHourUtc : null,
          machineOpen: opts.machineOpens,
        },
        opts.start,
      ),
    );
  }
  return { customerExternalId: 'CUS-TEST', segment: opts.segment ?? 'small', timezone: opts.zone === undefined ? 'America/New_York' : opts.zone, communications };
}

export interface TrainedWorld {
  artifact: Artifact;
  predictor: SendTimePredictor;
  inputs: SendTimeInput[];
  preferredHour: Map<string, number>;
}

/** One artifact per test file: a 150-customer, 12-month synthetic world. */
export async function trainOnSmallWorld(seed = 5): Promise<TrainedWorld> {
  const world = generateWorld({ customers: 150, months: 12, seed });
  const data = sendTimeWorld(fromMemory(world), null);
  const kind = createSendTimeModel();
  const artifact = await kind.train({ customers: data.inputs });
  return {
    artifact,
    predictor: (await kind.load(artifact)) as SendTimePredictor,
    inputs: data.inputs,
    preferredHour: new Map([...data.engagement].map(([id, e]) => [id, e.preferredReplyHour])),
  };
}
