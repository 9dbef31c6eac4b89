// What an assignment rule can change on a customer: its "targets". A target
// is named like the registry field that reads it back (collector,
// dunningScenario, salesRep, adv, the four feature switches) or `group:<id>`
// for membership of one group, so a rule reading `collector` or `groups`
// depends on the rules writing them, and a person locks a target by putting
// that same name (or `groups` for every group) in the customer's locked_fields.

export type Value = string | boolean | null;

export type DwellKind = 'dunningScenario' | 'collector' | 'groups' | 'internalActors' | 'features';

export interface ScalarTarget {
  /** Column of `customers`. */
  column: string;
  /** For references: the table whose external_id the value is. */
  ref?: 'collectors' | 'dunning_scenarios';
  kind: 'text' | 'boolean';
  dwell: DwellKind;
  /** As a credit manager says it: "412 customers change collector". */
  label: string;
}

export const SCALAR_TARGETS = {
  dunningScenario: { column: 'dunning_scenario_id', ref: 'dunning_scenarios', kind: 'text', dwell: 'dunningScenario', label: 'dunning scenario' },
  collector: { column: 'collector_id', ref: 'collectors', kind: 'text', dwell: 'collector', label: 'collector' },
  salesRep: { column: 'sales_rep', kind: 'text', dwell: 'internalActors', label: 'sales rep' },
  adv: { column: 'adv', kind: 'text', dwell: 'internalActors', label: 'ADV' },
  interactiveEmails: { column: 'interactive_emails', kind: 'boolean', dwell: 'features', label: 'interactive emails' },
  latePenalties: { column: 'late_penalties', kind: 'boolean', dwell: 'features', label: 'late penalties' },
  recoveryFee: { column: 'recovery_fee', kind: 'boolean', dwell: 'features', label: 'recovery fee indemnity' },
  ndCover: { column: 'nd_cover', kind: 'boolean', dwell: 'features', label: 'ND cover / DCL' },
} as const satisfies Record<string, ScalarTarget>;

export type ScalarTargetName = keyof typeof SCALAR_TARGETS;
export const SCALAR_TARGET_NAMES = Object.keys(SCALAR_TARGETS) as ScalarTargetName[];
export const FEATURES = ['interactiveEmails', 'latePenalties', 'recoveryFee', 'ndCover'] as const;
export type Feature = (typeof FEATURES)[number];
export const INTERNAL_ACTORS = ['salesRep', 'adv'] as const;
export type InternalActor = (typeof INTERNAL_ACTORS)[number];

/** A scenario runs for weeks; collectors keep their portfolio; groups may follow the data faster. */
export const DEFAULT_DWELL_DAYS: Readonly<Record<DwellKind, number>> = Object.freeze({
  dunningScenario: 30,
  collector: 14,
  groups: 7,
  internalActors: 14,
  features: 7,
});
export const DWELL_KINDS = Object.keys(DEFAULT_DWELL_DAYS) as DwellKind[];

const GROUP_PREFIX = 'group:';

export const groupTarget = (groupExternalId: string): string => GROUP_PREFIX + groupExternalId;
export const isGroupTarget = (target: string): boolean => target.startsWith(GROUP_PREFIX);
export const groupOf = (target: string): string => target.slice(GROUP_PREFIX.length);
export const isScalarTarget = (target: string): target is ScalarTargetName => Object.hasOwn(SCALAR_TARGETS, target);

export function dwellKindOf(target: string): DwellKind {
  return isGroupTarget(target) ? 'groups' : SCALAR_TARGETS[target as ScalarTargetName].dwell;
}

/** The locked_fields entries that protect a target from rules. */
export function lockKeysOf(target: string): string[] {
  return isGroupTarget(target) ? ['groups', target] : [target];
}

/** Every name a person may put in locked_fields. */
export function isLockKey(key: string): boolean {
  return key === 'groups' || isScalarTarget(key) || (isGroupTarget(key) && groupOf(key).length > 0);
}

export function targetLabel(target: string): string {
  return isGroupTarget(target) ? `group ${groupOf(target)}` : SCALAR_TARGETS[target as ScalarTargetName].label;
}

export const sameValue = (a: Value | undefined, b: Value | undefined): boolean => (a ?? null) === (b ?? null);
