// What an analyst may choose when training the drift model: how material and
// how persistent a change must be before a collector is alerted. Chosen
// settings are kept in the trained artifact (its alerts can be replayed), and a
// retraining without settings keeps the active version's: a credit manager's
// choice survives the nightly retraining, while the defaults of newer code
// still apply to everything not chosen.
import { Type, type Static, type TSchema } from 'typebox';
import type { DriftConfigPatch } from './config.js';

const perKind = <T extends TSchema>(item: T, description: string) =>
  Type.Object(
    {
      delay_creep: Type.Optional(item),
      method_shift: Type.Optional(item),
      engagement_drop: Type.Optional(item),
      dispute_spike: Type.Optional(item),
    },
    { additionalProperties: false, description },
  );

const section = <P extends Record<string, TSchema>>(properties: P) => Type.Object(properties, { additionalProperties: false });

export const DriftSettings = Type.Object(
  {
    persistence: Type.Optional(
      perKind(Type.Integer({ minimum: 1, maximum: 24 }), 'consecutive affected items (invoices, payments, reminders) needed for an alert'),
    ),
    evidenceThreshold: Type.Optional(
      perKind(Type.Number({ minimum: 0.5, maximum: 20 }), 'surprise under the customer’s baseline (log10 of 1 / probability) needed for an alert'),
    ),
    minBaselineItems: Type.Optional(Type.Integer({ minimum: 2, maximum: 100, description: 'own items needed before a signal may alert' })),
    delay: Type.Optional(
      section({
        minEffectDays: Type.Optional(Type.Number({ minimum: 0, maximum: 365, description: 'smallest increase of days late worth an alert' })),
        minDaysLate: Type.Optional(Type.Number({ minimum: 0, maximum: 365, description: 'an invoice counts as paid later only from this many days late' })),
      }),
    ),
    method: Type.Optional(
      section({
        minAmountRatio: Type.Optional(Type.Number({ minimum: 1, maximum: 100, description: 'smallest ratio between the usual and a recent payment amount' })),
        minGapRatio: Type.Optional(Type.Number({ minimum: 1, maximum: 100, description: 'smallest ratio between the recent and the usual days between payments' })),
      }),
    ),
    engagement: Type.Optional(
      section({
        minDrop: Type.Optional(Type.Number({ minimum: 0, maximum: 1, description: 'smallest fall of the share of reminders answered' })),
        responseWindowDays: Type.Optional(Type.Integer({ minimum: 1, maximum: 60, description: 'days a reminder may wait for a reaction before it counts as ignored' })),
      }),
    ),
    dispute: Type.Optional(
      section({
        minIncrease: Type.Optional(Type.Number({ minimum: 0, maximum: 1, description: 'smallest rise of the share of invoices disputed' })),
        breaks: Type.Optional(Type.Integer({ minimum: 0, maximum: 10, description: 'undisputed invoices allowed within a spike' })),
      }),
    ),
  },
  { additionalProperties: false, description: 'When a change of payment behaviour is material and persistent enough to alert' },
);

export type DriftSettings = Static<typeof DriftSettings>;

// The settings are a subset of the thresholds' shape, checked by the compiler here.
export const asConfigPatch = (settings: DriftSettings): DriftConfigPatch => settings;
