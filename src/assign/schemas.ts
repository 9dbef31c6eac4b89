// API shapes of rules, plans, runs, settings and a customer's assignments.
import { Type } from 'typebox';
import { ActionSchema } from './actions.js';
import { DbId, DbOffset, Text, wordedPattern } from '../http/schemas/common.js';
import { SCALAR_TARGET_NAMES } from './targets.js';
import { MONEY_LIMIT } from '../util/bounds.js';
import { Nullable } from '../util/nullable.js';

const AnyValue = Type.Union([Type.String(), Type.Boolean(), Type.Null()], { description: 'externalId, text, on/off, or group membership' });
const Obj = Type.Object({}, { additionalProperties: true });
const RuleRef = Type.Object({ id: Type.Integer(), name: Type.String(), priority: Type.Integer() });

export const RuleBody = Type.Object({
  name: Text(200),
  description: Type.Optional(Nullable(Type.String({ maxLength: 2000 }))),
  searchId: DbId({ description: 'the saved search selecting the customers' }),
  priority: Type.Integer({ minimum: 1, maximum: 1_000_000, description: '1 wins over 2 when two rules want different values; between rules of equal priority, the one created first wins' }),
  enabled: Type.Optional(Type.Boolean({ default: true })),
  actions: Type.Array(ActionSchema, { minItems: 1, maxItems: 20 }),
}, { additionalProperties: false });

export const RuleSchema = Type.Object({
  id: Type.Integer(),
  name: Type.String(),
  description: Nullable(Type.String()),
  searchId: Type.Integer(),
  searchName: Type.String(),
  priority: Type.Integer(),
  enabled: Type.Boolean(),
  actions: Type.Array(ActionSchema),
  version: Type.Integer(),
  createdAt: Type.String(),
  updatedAt: Type.String(),
});

export const RuleSaveSchema = Type.Object({
  rule: RuleSchema,
  stage: Nullable(Type.Integer({ description: '1 = reads no other rule\'s output; 2 = reads stage 1, ...' })),
  warnings: Type.Array(Type.String()),
  conflicts: Type.Array(Type.Object({
    ruleId: Type.Integer(), ruleName: Type.String(), priority: Type.Integer(), target: Type.String(),
    thisValue: AnyValue, otherValue: AnyValue, overlap: Type.Integer({ description: 'customers both rules select today' }),
    winner: Type.Object({ ruleId: Type.Integer(), ruleName: Type.String() }),
  })),
  runId: Type.Optional(Type.Integer({ description: 'the run this change triggered (settings.runOnRuleChange)' })),
});

export const ChangeSchema = Type.Object({
  externalId: Type.String(), field: Type.String(), old: AnyValue, new: AnyValue, ruleId: Nullable(Type.Integer()),
  ruleName: Nullable(Type.String()), because: Type.String(), values: Obj, overruled: Type.Optional(Type.Array(Obj)),
});

export const HeldSchema = Type.Object({
  externalId: Type.String(), field: Type.String(), current: AnyValue, wanted: AnyValue, ruleId: Type.Integer(),
  outcome: Type.Union([Type.Literal('locked'), Type.Literal('dwell'), Type.Literal('manualMember'), Type.Literal('oneBand')]),
  because: Type.String(), heldUntil: Type.Optional(Type.String()),
});

export const ConflictSchema = Type.Object({
  field: Type.String(),
  winner: Type.Object({ ...RuleRef.properties, value: AnyValue }),
  loser: Type.Object({ ...RuleRef.properties, value: AnyValue }),
  customers: Type.Integer(),
  sample: Type.Array(Type.String()),
});

export const SummarySchema = Type.Object({
  evaluatedCustomers: Type.Integer(),
  customersChanged: Type.Integer(),
  changes: Type.Integer(),
  byField: Type.Record(Type.String(), Type.Integer()),
  sentences: Type.Array(Type.String(), { description: '"412 customers change collector"' }),
  held: Type.Object({ locked: Type.Integer(), dwell: Type.Integer(), manualMember: Type.Integer(), oneBand: Type.Integer() }),
  conflicts: Type.Integer(),
  stages: Type.Array(Type.Array(RuleRef)),
}, { additionalProperties: true });

export const PageQuery = Type.Object({
  limit: Type.Integer({ minimum: 0, maximum: 5000, default: 100 }),
  offset: DbOffset({ default: 0 }),
  field: Type.Optional(Type.String({
    maxLength: 210,
    pattern: wordedPattern(`^(${SCALAR_TARGET_NAMES.join('|')}|group:.+)$`, `must be a target a rule changes: ${SCALAR_TARGET_NAMES.join(', ')} or group:<externalId>`),
    description: 'only changes of this target',
  })),
});

export const Customers = Type.Array(Type.String({ minLength: 1, maxLength: 200 }), {
  minItems: 1,
  maxItems: 10_000,
  description: 'customer externalIds: evaluate only these, in memory (after an import or new model outputs); absent = whole portfolio',
});

export const PreviewBody = Type.Object({
  customers: Type.Optional(Customers),
  ...PageQuery.properties,
}, { additionalProperties: false });

export const PreviewSchema = Type.Object({
  planHash: Type.String({ description: 'pass it as expectPlanHash to apply exactly this plan' }),
  summary: SummarySchema,
  conflicts: Type.Array(ConflictSchema),
  totalChanges: Type.Integer(),
  changes: Type.Array(ChangeSchema),
  totalHeld: Type.Integer(),
  held: Type.Array(HeldSchema),
});

export const RunBody = Type.Object({
  customers: Type.Optional(Customers),
  expectPlanHash: Type.Optional(Type.String({ pattern: '^[0-9a-f]{64}$', description: 'refuse to apply unless the plan is still the previewed one' })),
}, { additionalProperties: false });

export const RunSchema = Type.Object({
  id: Type.Integer(),
  kind: Type.String(),
  trigger: Type.String(),
  scope: Obj,
  status: Type.String({ description: 'queued, running, applied, failed, undone' }),
  jobId: Nullable(Type.String()),
  progress: Type.Number({ minimum: 0, maximum: 1 }),
  message: Nullable(Type.String()),
  planHash: Nullable(Type.String()),
  expectedPlanHash: Nullable(Type.String()),
  summary: Obj,
  error: Nullable(Obj),
  undoesRunId: Nullable(Type.Integer()),
  undoneByRunId: Nullable(Type.Integer()),
  requestedBy: Nullable(Type.String({ description: 'the API key that asked: <role>#<key fingerprint>, admin (no key) with authentication off; null for a run the service started itself (the refresh)' })),
  attempt: Type.Integer({ description: '1; 2 or 3 for the retries of a run the service set off that stopped on a conflict (AR_ERR_CONFLICT)' }),
  retryOfRunId: Nullable(Type.Integer({ description: 'the run that stopped on a conflict and this one retries' })),
  retriedByRunId: Nullable(Type.Integer({ description: 'the run that retried this one after it stopped on a conflict: follow it for the outcome' })),
  createdAt: Type.String(),
  startedAt: Nullable(Type.String()),
  finishedAt: Nullable(Type.String()),
});

export const RunDetailSchema = Type.Object({
  ...RunSchema.properties,
  totalChanges: Type.Integer(),
  changes: Type.Array(Type.Object({
    ...ChangeSchema.properties,
    ruleId: Nullable(Type.Integer({ description: 'the rule that made the change; null for an undo\'s changes (undoesRunId)' })),
    undoneByRunId: Nullable(Type.Integer()),
    undoesRunId: Nullable(Type.Integer({ description: 'on an undo\'s changes: the run it undid, whose change each takes back' })),
  })),
});

export const UndoSchema = Type.Object({
  undoRunId: Type.Integer(),
  restored: Type.Integer(),
  notRestored: Type.Array(Type.Object({ externalId: Type.String(), field: Type.String(), why: Type.String() })),
});

export const SettingsSchema = Type.Object({
  dwellDays: Type.Object({
    dunningScenario: Type.Number(), collector: Type.Number(), groups: Type.Number(), internalActors: Type.Number(), features: Type.Number(),
  }, { description: 'minimum days a value set by a rule is kept before a rule may change it again' }),
  hysteresis: Type.Record(Type.String(), Type.Number(), { description: 'margin per numeric field' }),
  runOnRuleChange: Type.Boolean({ description: 'run the whole portfolio when a rule is created, changed or deleted' }),
});

export const SettingsPatchBody = Type.Object({
  dwellDays: Type.Optional(Type.Record(Type.String(), Type.Number({ minimum: 0, maximum: 3650 }))),
  hysteresis: Type.Optional(Type.Record(Type.String(), Type.Union([Type.Number({ minimum: 0, exclusiveMaximum: MONEY_LIMIT }), Type.Null()]))),
  runOnRuleChange: Type.Optional(Type.Boolean()),
}, { additionalProperties: false });

export const CustomerAssignmentsSchema = Type.Object({
  externalId: Type.String(),
  name: Type.String(),
  current: Type.Record(Type.String(), AnyValue),
  groups: Type.Array(Type.Object({ group: Type.String(), source: Type.String(), ruleId: Nullable(Type.Integer()) })),
  lockedFields: Type.Array(Type.String()),
  state: Type.Array(Type.Object({
    field: Type.String(), value: AnyValue,
    ruleId: Nullable(Type.Integer({ description: 'the rule that set the value; null when an undo put it back (undoesRunId)' })), ruleName: Nullable(Type.String()),
    runId: Nullable(Type.Integer()), since: Type.String(),
    undoesRunId: Nullable(Type.Integer({ description: 'when runId is an undo that put the value back: the run it undid' })),
    heldUntil: Nullable(Type.String({ description: 'until when the dwell time holds the value; null when it was set before the customer had any invoice (nothing to keep coherent yet)' })),
  })),
  changes: Type.Array(Type.Object({
    id: Type.Integer(), runId: Type.Integer(), runKind: Type.String(), trigger: Type.String(), at: Type.String(), field: Type.String(),
    old: AnyValue, new: AnyValue, ruleId: Nullable(Type.Integer()), ruleName: Nullable(Type.String()), reasons: Obj,
    because: Type.String(), undoneByRunId: Nullable(Type.Integer()),
    requestedBy: Nullable(Type.String({ description: "the run's: the key that asked for it, null for the service's own (the refresh)" })),
  })),
  history: Type.Array(Type.Union([
    Type.Object({
      kind: Type.Literal('assignment'), at: Type.String(), field: Type.String(),
      changeId: Type.Integer({ description: 'the id of the change in changes' }), runId: Type.Integer(), old: AnyValue, new: AnyValue,
      ruleName: Nullable(Type.String()), because: Type.String(), requestedBy: Nullable(Type.String()),
    }),
    Type.Object({
      kind: Type.Union([Type.Literal('lock'), Type.Literal('unlock')]), at: Type.String(), field: Type.String(),
      actor: Nullable(Type.String({ description: '<role>#<key fingerprint> of the key that locked or unlocked' })), reason: Nullable(Type.String()),
    }),
  ]), { description: 'what runs changed and what people locked or unlocked, newest first, at most limit entries' }),
  rules: Type.Optional(Type.Array(Type.Object({
    ruleId: Type.Integer(), name: Type.String(), priority: Type.Integer(),
    matches: Type.Boolean({ description: 'selects the customer as a run would: false for a rule of a band beside the one the customer is kept in, which waits (summary: "waits: ...")' }),
    summary: Type.String(),
    lines: Type.Array(Type.String()),
    member: Type.Boolean({ description: 'inside the rule at the last run: judged by its criteria loosened by the hysteresis margins' }),
  }))),
});

export const LocksBody = Type.Object({
  lock: Type.Optional(Type.Array(Type.String({ maxLength: 210 }), { maxItems: 50 })),
  unlock: Type.Optional(Type.Array(Type.String({ maxLength: 210 }), { maxItems: 50 })),
  // 500: lock_changes.reason is a VARCHAR(500).
  reason: Type.Optional(Text(500, { description: 'why, recorded with each field this request locks or unlocks' })),
}, { additionalProperties: false });

export const LocksSchema = Type.Object({
  lockedFields: Type.Array(Type.String()),
  version: Type.Integer({ description: 'the ETag: send it back as If-Match' }),
  locks: Type.Array(Type.Object({
    field: Type.String(),
    lockedAt: Nullable(Type.String()),
    lockedBy: Nullable(Type.String({ description: '<role>#<key fingerprint> of the key that locked it' })),
    reason: Nullable(Type.String()),
  }), { description: 'who locked each of lockedFields, when and why; nulls for a lock made before locks were audited' }),
});
