// The actions a rule takes on every customer its saved search selects, in the
// brief's words: assign a dunning scenario, a collector, groups, internal
// actors (sales rep, ADV), and switch features on or off. Each action has one
// effect: a value for one target.
import { Type, type Static } from 'typebox';
import { AR_ERR } from '../errors.js';
import { Text } from '../http/schemas/common.js';
import { groupTarget, type Feature, type InternalActor, type Value } from './targets.js';

const ExternalId = Type.String({ minLength: 1, maxLength: 200 });

export const ActionSchema = Type.Union([
  Type.Object({ type: Type.Literal('setDunningScenario'), dunningScenario: ExternalId }, { additionalProperties: false }),
  Type.Object({ type: Type.Literal('setCollector'), collector: ExternalId }, { additionalProperties: false }),
  Type.Object({ type: Type.Literal('addToGroup'), group: ExternalId }, { additionalProperties: false }),
  Type.Object({ type: Type.Literal('removeFromGroup'), group: ExternalId }, { additionalProperties: false }),
  Type.Object({
    type: Type.Literal('setInternalActor'),
    actor: Type.Union([Type.Literal('salesRep'), Type.Literal('adv')]),
    value: Text(200),
  }, { additionalProperties: false }),
  Type.Object({
    type: Type.Literal('switchFeature'),
    feature: Type.Union([
      Type.Literal('interactiveEmails'), Type.Literal('latePenalties'), Type.Literal('recoveryFee'), Type.Literal('ndCover'),
    ]),
    enabled: Type.Boolean(),
  }, { additionalProperties: false }),
]);
export type Action = Static<typeof ActionSchema>;

// The schema spells the lists out for TypeBox; these keep them in step with targets.ts.
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : never) : never;
const actionsMatchTargets: [
  Same<Extract<Action, { type: 'switchFeature' }>['feature'], Feature>,
  Same<Extract<Action, { type: 'setInternalActor' }>['actor'], InternalActor>,
] = [true, true];
void actionsMatchTargets;

export interface Effect {
  target: string;
  value: Value;
}

export function effectOf(action: Action): Effect {
  switch (action.type) {
    case 'setDunningScenario':
      return { target: 'dunningScenario', value: action.dunningScenario };
    case 'setCollector':
      return { target: 'collector', value: action.collector };
    case 'addToGroup':
      return { target: groupTarget(action.group), value: true };
    case 'removeFromGroup':
      return { target: groupTarget(action.group), value: false };
    case 'setInternalActor':
      return { target: action.actor, value: action.value };
    case 'switchFeature':
      return { target: action.feature, value: action.enabled };
  }
}

/** One rule, one value per target: two actions on the same target are a mistake, not a choice. */
export function effectsOf(actions: Action[]): Effect[] {
  if (actions.length === 0) throw AR_ERR.VALIDATION(['a rule needs at least one action']);
  const seen = new Set<string>();
  return actions.map((a) => {
    const effect = effectOf(a);
    if (seen.has(effect.target)) {
      throw AR_ERR.VALIDATION([`two actions of one rule change ${effect.target}; keep one`]);
    }
    seen.add(effect.target);
    return effect;
  });
}

/** The external ids an action set refers to, by table, to check they exist. */
export function referencesOf(actions: Action[]): { collectors: string[]; dunningScenarios: string[]; groups: string[] } {
  const refs = { collectors: [] as string[], dunningScenarios: [] as string[], groups: [] as string[] };
  for (const a of actions) {
    if (a.type === 'setCollector') refs.collectors.push(a.collector);
    if (a.type === 'setDunningScenario') refs.dunningScenarios.push(a.dunningScenario);
    if (a.type === 'addToGroup' || a.type === 'removeFromGroup') refs.groups.push(a.group);
  }
  return refs;
}
