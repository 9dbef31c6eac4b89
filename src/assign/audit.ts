// One customer's assignments as a credit manager asks about them: what it
// has now and what a person locked, which rule set each value and since when
// (and until when the dwell time holds it), every change with its reasons,
// and, on request, why each rule selects the customer or not today.
import { AR_ERR } from '../errors.js';
import { isoSql, type Queryable } from '../db/sql.js';
import { explain } from '../criteria/index.js';
import { customerFactsSql } from '../fields/facts.js';
import { loadRuleSet } from './rules.js';
import { loadSettings } from './settings.js';
import { HAD_INVOICES_SQL, UNDO_NO_RULE, loadCustomerStates, loadRuleMembers } from './state.js';
import { dwellKindOf, type Value } from './targets.js';
import { bandsWaitedFor, oneBandEach, type CustomerState } from './resolve.js';
import { bandWaitText, becauseOf } from './describe.js';
import { lockHistory } from './lock-changes.js';
import { customerHistory, type HistoryEntry } from './history.js';

const DAY_MS = 86_400_000;

export interface CustomerAssignments {
  externalId: string;
  name: string;
  current: Record<string, Value>;
  groups: { group: string; source: string; ruleId: number | null }[];
  lockedFields: string[];
  /** ruleId null and undoesRunId set: the undo run runId put the value back, no rule set it. */
  state: { field: string; value: Value; ruleId: number | null; ruleName: string | null; runId: number | null; undoesRunId: number | null; since: string; heldUntil: string | null }[];
  changes: {
    id: number; runId: number; runKind: string; trigger: string; at: string; field: string; old: Value; new: Value;
    ruleId: number | null; ruleName: string | null; reasons: unknown; because?: string; undoneByRunId: number | null; requestedBy: string | null;
  }[];
  history: HistoryEntry[];
  rules?: { ruleId: number; name: string; priority: number; matches: boolean; summary: string; lines: string[]; member: boolean }[];
}

export async function customerIdOf(q: Queryable, externalId: string): Promise<{ id: number; name: string }> {
  const [c] = await q.query<{ id: number; name: string }>('SELECT id, name FROM customers WHERE external_id = $1', [externalId]);
  if (!c) throw AR_ERR.NOT_FOUND(['Customer', externalId]);
  return c;
}

export async function customerAssignments(
  q: Queryable,
  externalId: string,
  options: { limit: number; explain: boolean },
): Promise<CustomerAssignments> {
  const { id, name } = await customerIdOf(q, externalId);
  const settings = await loadSettings(q);
  const state = (await loadCustomerStates(q, { customerIds: [id] })).get(id)!;
  const rows = await q.query<{ field: string; value: Value; ruleId: number | null; ruleName: string | null; runId: number | null; undoesRunId: number | null; since: Date; onData: boolean }>(
    `SELECT s.field, s.value, s.rule_id AS "ruleId", r.name AS "ruleName", s.run_id AS "runId", s.undoes_run_id AS "undoesRunId", s.since,
       ${HAD_INVOICES_SQL('s.customer_id', 's.since')} AS "onData"
     FROM assignment_state s LEFT JOIN assignment_rules r ON r.id = s.rule_id WHERE s.customer_id = $1 ORDER BY s.field`,
    [id],
  );
  const changes = await q.query<CustomerAssignments['changes'][number]>(
    `SELECT ch.id::int AS id, ch.run_id AS "runId", run.kind AS "runKind", run.trigger, ${isoSql('ch.created_at')} AS at, ch.field,
       ch.old_value AS old, ch.new_value AS new, ${UNDO_NO_RULE('ch.rule_id')} AS "ruleId", ${UNDO_NO_RULE('ch.rule_name')} AS "ruleName", ch.reasons,
       ch.undone_by_run_id AS "undoneByRunId", run.requested_by AS "requestedBy"
     FROM assignment_changes ch JOIN assignment_runs run ON run.id = ch.run_id
     WHERE ch.customer_id = $1 ORDER BY ch.id DESC LIMIT $2`,
    [id, options.limit],
  );
  const described = changes.map((c) => ({ ...c, because: becauseOf(c.reasons as Parameters<typeof becauseOf>[0]) }));
  const result: CustomerAssignments = {
    externalId,
    name,
    current: state.values,
    groups: [...state.groups].map(([group, m]) => ({ group, source: m.source, ruleId: m.ruleId })).sort((a, b) => a.group.localeCompare(b.group)),
    lockedFields: [...state.locked].sort(),
    state: rows.map(({ onData, ...r }) => {
      const since = new Date(r.since);
      const heldUntil = onData ? new Date(since.getTime() + settings.dwellDays[dwellKindOf(r.field)] * DAY_MS).toISOString() : null;
      return { ...r, since: since.toISOString(), heldUntil };
    }),
    changes: described,
    history: customerHistory(described, await lockHistory(q, id, options.limit), options.limit),
  };
  if (options.explain) result.rules = await explainRules(q, state);
  return result;
}

/**
 * Why each rule selects the customer or not, as a run would judge it: a member
 * by the loosened criteria, and a rule of the band beside the one the customer
 * is kept in as not selecting it (oneBandEach), with the band it waits for.
 */
async function explainRules(q: Queryable, state: CustomerState): Promise<NonNullable<CustomerAssignments['rules']>> {
  const set = await loadRuleSet(q);
  const members = new Set((await loadRuleMembers(q, { customerIds: [state.id] })).get(state.id) ?? []);
  const [facts] = await q.query<Record<string, unknown>>(customerFactsSql({ where: 'c.id = $1' }), [state.id]);
  const explained = set.rules.map((r) => {
    const member = r.keep !== null && members.has(r.id);
    return { rule: r, member, e: explain(member ? r.keep! : r.ast, facts) };
  });
  const matched = explained.filter((x) => x.e.matches).map((x) => x.rule);
  const kept = new Set(oneBandEach(state, matched, set.bands));
  return explained.map(({ rule: r, member, e }) => {
    const out = { ruleId: r.id, name: r.name, priority: r.priority, matches: e.matches, summary: e.summary, lines: e.lines, member };
    if (!e.matches || kept.has(r)) return out;
    const wait = `${bandWaitText(bandsWaitedFor(r, [...kept], set.bands))} (a band beside this rule's); this rule selects the customer once it leaves that band`;
    return { ...out, matches: false, summary: `${wait}; ${e.summary}`, lines: [...e.lines, wait] };
  });
}
