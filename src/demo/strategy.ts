// The start-up strategy of the brief (004: "My Company North America"), as
// saved searches and assignment rules over the demo world: segments by
// outstanding and turnover, risk and payment profile (model outputs included),
// old unqualified delays isolated in a group with a no-action scenario, and a
// successive rule building a "high stakes" group from the groups the first
// rules fill. Priority 1 wins a conflict.
import type { Db } from '../db/sql.js';
import type { Action } from '../assign/actions.js';
import { createSearch } from '../searches/store.js';
import { saveRule } from '../assign/rules.js';

interface DemoRule {
  name: string;
  description: string;
  criteria: unknown;
  actions: Action[];
}

const v = (name: string) => ({ var: name });

export const DEMO_RULES: DemoRule[] = [
  {
    name: 'Old unqualified delays > 30 days',
    description: 'Open items more than 30 days overdue with no status: handled apart, no automatic reminders to pollute the agenda.',
    criteria: { '>': [v('unqualifiedOverdue30Amount'), 0] },
    actions: [{ type: 'setDunningScenario', dunningScenario: 'DS-OLD-DELAYS' }, { type: 'addToGroup', group: 'GRP-VERY-LATE' }],
  },
  {
    name: 'Strategic customers',
    description: 'The largest accounts: a softer, personal scenario and a senior collector.',
    criteria: { or: [{ '==': [v('segment'), 'strategic'] }, { '>=': [v('reportingTurnover12m'), 2_000_000] }] },
    actions: [
      { type: 'setDunningScenario', dunningScenario: 'DS-STRATEGIC' },
      { type: 'addToGroup', group: 'GRP-STRATEGIC' },
      { type: 'setCollector', collector: 'COL-01' },
    ],
  },
  {
    name: 'Risky customers',
    description: 'High external risk score, a very late payer profile, or a payment behaviour that changed (drift model): watched closely, late penalties on.',
    criteria: {
      or: [
        { '>=': [v('riskScore'), 70] }, { '==': [v('payerProfile'), 'very_late'] },
        { '==': [v('driftAlert'), true] }, { '>=': [v('lateOver30Probability'), 0.3] },
      ],
    },
    actions: [{ type: 'addToGroup', group: 'GRP-RISKY' }, { type: 'switchFeature', feature: 'latePenalties', enabled: true }],
  },
  {
    name: 'Small customers',
    description: 'Small accounts: a highly automated scenario.',
    criteria: { '==': [v('segment'), 'small'] },
    actions: [{ type: 'setDunningScenario', dunningScenario: 'DS-SMALL-AUTO' }, { type: 'addToGroup', group: 'GRP-SMALL' }],
  },
  {
    name: 'Customers without email',
    description: 'No contact email on file: the letter-and-call variant of the standard scenario.',
    criteria: { '==': [v('hasEmail'), false] },
    actions: [{ type: 'setDunningScenario', dunningScenario: 'DS-STANDARD-NO-EMAIL' }, { type: 'addToGroup', group: 'GRP-NO-EMAIL' }],
  },
  {
    name: 'Standard customers',
    description: 'Everyone else with an email: the standard scenario.',
    criteria: { '==': [v('hasEmail'), true] },
    actions: [{ type: 'setDunningScenario', dunningScenario: 'DS-STANDARD' }],
  },
  {
    name: 'High stakes (from groups)',
    description: 'A custom score built from groups: strategic accounts, and risky ones with a large outstanding, go to the specialist.',
    criteria: {
      or: [
        { in: ['GRP-STRATEGIC', v('groups')] },
        // In the reporting currency: 100,000 JPY is not a large outstanding.
        { and: [{ in: ['GRP-RISKY', v('groups')] }, { '>=': [v('reportingOpenAmount'), 100_000] }] },
      ],
    },
    actions: [{ type: 'addToGroup', group: 'GRP-HIGH-STAKES' }, { type: 'setCollector', collector: 'COL-02' }],
  },
];

/**
 * Saves the demo strategy; returns the rule ids in priority order. Searches and
 * rules already saved under their name (a first start stopped half-way) are
 * kept as they are, so installing twice is installing once.
 */
export async function installDemoStrategy(db: Db): Promise<number[]> {
  const ids: number[] = [];
  for (const [i, r] of DEMO_RULES.entries()) {
    const [rule] = await db.query<{ id: number }>('SELECT id FROM assignment_rules WHERE name = $1', [r.name]);
    if (rule) {
      ids.push(rule.id);
      continue;
    }
    const [existing] = await db.query<{ id: number }>('SELECT id FROM saved_searches WHERE name = $1', [r.name]);
    const searchId = existing?.id ?? (await createSearch(db, { name: r.name, description: r.description, criteria: r.criteria as never })).id;
    const saved = await saveRule(db, null, { name: r.name, description: r.description, searchId, priority: i + 1, enabled: true, actions: r.actions });
    ids.push(saved.rule.id);
  }
  return ids;
}
