// The whole portfolio's agenda as the last planning run ranked it. Planning it
// live at read time loads every fact of the portfolio and ranks every
// suggestion to answer the first 50 (44.5 s and 2-3 GB at 100,000 customers);
// the run has just done exactly that, so it keeps its ranked items
// (agenda_plan_items) and an agenda read while they are current reads a page.
//
// Current means: planned for the day asked, with the same policy, and no
// transaction that wrote what the planner reads committed unseen by the run.
// Triggers on the planner's tables record each writing transaction
// (agenda_data_changes; a person closing an action the planner owns counts, the planner's own
// writes and manual actions, read live, do not); the run keeps the snapshot
// it started from, and a recorded transaction not visible in it makes the
// store stale. Visibility, not clocks: an import that committed while the run
// read its facts is one it may not have seen.
//
// Stale per customer: a write to a table with a customer records the customers
// it touched (agenda_customer_changes), and while at most
// MAX_CUSTOMERS_PLANNED_LIVE are, the agenda reads the store without them and
// plans them live. Only writes that name no customer (exchange rates,
// scenarios, collectors) stale the whole store.
import { randomUUID } from 'node:crypto';
import { copyCell, type Db, type Queryable } from '../db/sql.js';
import { databaseMoment, type DatabaseMoment } from '../pipeline/refresh-requests.js';
import { fromSuggestion, type AgendaItem } from './items.js';
import type { AgendaPolicy } from './policy.js';
import type { IsoDate, PlanningFacts, Suggestion } from './types.js';

const STORED_PLAN_KEY = 'agenda-stored-plan';

// Beyond this many customers changed since the run, the whole agenda is planned
// live. Planning a customer live loads its facts by id (an index lookup per
// table): 2,000 of them take well under a second, a small part of the
// portfolio's live plan (19-47 s at 100,000 customers), and the list of ids
// stays a cheap parameter. A refresh or a rescoring touches far more and is
// followed by a planning run anyway.
export const MAX_CUSTOMERS_PLANNED_LIVE = 2000;

/** Where an agenda came from: the stored plan, or planned live with why the store was not read. */
export interface PlanSource {
  source: 'stored' | 'live';
  /** When the run that stored it started (stored), null when live. */
  plannedAt: string | null;
  /** Why the stored plan was not read (live), null when it was. */
  staleBecause: string | null;
  /**
   * Stored: how many of the answer's customers were planned live beside it,
   * their data having changed since the run (0: all of it as stored). Null when live.
   */
  customersPlannedLive: number | null;
}

/** The stored plan's state, with the customers changed since the run (to plan live) when it is read. */
export type StoredPlanState = PlanSource & { changedCustomers: number[] };

interface StoredPlanMark {
  date: IsoDate;
  at: string;
  snapshot: string;
  /** The policy the run planned with, as JSON text: another policy ranks otherwise. */
  policy: string;
}

const CHUNK = 5000;
const PLAN_COLUMNS = ['score', 'due_date', 'dedupe_key', 'customer_id', 'collector_id', 'task', 'origin', 'item'];
const STAGING_COLUMNS = ['run', 'run_at', ...PLAN_COLUMNS];

/** The moment a portfolio run starts from: taken before it reads any fact. */
export const planMoment = (db: Queryable): Promise<DatabaseMoment> => databaseMoment(db);

/** An agenda item as the run shows it, without what the actions table says at read time (id, state). */
export type PlanItem = Omit<AgendaItem, 'id' | 'state'>;

function planItem(s: Suggestion, facts: Pick<PlanningFacts, 'customers'>): PlanItem {
  const { id: _id, state: _state, ...item } = fromSuggestion(s, facts);
  return item;
}

/** A portfolio run storing its plan: its items are staged under `id` a chunk of customers at a time. */
export interface PlanRun {
  id: string;
  moment: DatabaseMoment;
}

/** The moment a portfolio run starts from, taken before it reads any fact, and the id its staged items go under. */
export const startPlanRun = async (db: Queryable): Promise<PlanRun> => ({ id: randomUUID(), moment: await planMoment(db) });

/**
 * Stages a chunk of a portfolio run's suggestions (every suggestion of its
 * customers, `facts` being theirs); `storePlan` swaps the run's staged items
 * in when the run ends. The order is the columns': chunks stage in any order.
 */
export async function stagePlan(db: Db, run: PlanRun, suggestions: Suggestion[], facts: Pick<PlanningFacts, 'customers'>): Promise<void> {
  // COPY, a chunk at a time: one text of every item of 100,000 customers is hundreds of MB.
  for (let from = 0; from < suggestions.length; from += CHUNK) {
    const lines = suggestions.slice(from, from + CHUNK).map((s) => [
      run.id, run.moment.at, s.priority.score, s.dueDate, s.dedupeKey, s.customerId, facts.customers.get(s.customerId)?.collectorId ?? null,
      s.task, s.origin, JSON.stringify(planItem(s, facts)),
    ].map(copyCell).join('\t') + '\n');
    await db.copyFrom('agenda_plan_staging', STAGING_COLUMNS, lines.join(''));
  }
}

/** Drops a run's staged items (a run that failed); the next run to store drops those of runs started before it anyway. */
export async function discardStagedPlan(db: Queryable, run: PlanRun): Promise<void> {
  await db.query('DELETE FROM agenda_plan_staging WHERE run = $1::uuid', [run.id]);
}

/**
 * Replaces the stored plan with a portfolio run's staged items, in one
 * transaction. A run that started before the stored one (two runs racing)
 * stores nothing: its snapshot saw less.
 */
export async function storePlan(db: Db, run: PlanRun & { date: IsoDate; policy: AgendaPolicy }): Promise<boolean> {
  return db.transaction(async (tx) => {
    // One run stores at a time. Locking the mark's row locked nothing when the
    // mark was older than both runs (the row did not match) or missing: both
    // replaced the items, and the later to commit failed on the rank's key.
    await tx.query('SELECT pg_advisory_xact_lock(hashtext($1))', [STORED_PLAN_KEY]);
    const [held] = await tx.query<{ at: string }>(
      `SELECT value->>'at' AS at FROM service_state WHERE key = $1 AND (value->>'at')::timestamptz > $2::timestamptz`,
      [STORED_PLAN_KEY, run.moment.at],
    );
    if (held) {
      await discardStagedPlan(tx, run);
      return false;
    }
    await tx.exec('DELETE FROM agenda_plan_items');
    await tx.query(
      `INSERT INTO agenda_plan_items (${PLAN_COLUMNS.join(', ')}) SELECT ${PLAN_COLUMNS.join(', ')} FROM agenda_plan_staging WHERE run = $1::uuid`,
      [run.id],
    );
    // This run's, and those of runs started before it (failed, or overtaken: they will find this mark and store nothing).
    // Not those started at the same instant (PGlite's clock can give racing runs one): they may still store theirs.
    await tx.query('DELETE FROM agenda_plan_staging WHERE run = $1::uuid OR run_at < $2::timestamptz', [run.id, run.moment.at]);
    // What this run saw needs no more recording; what it did not still makes it stale. A transaction id
    // this database has not handed out yet was recorded before a restore into another cluster, whose
    // ids start again lower: the data it wrote came with the dump the run read.
    for (const table of ['agenda_data_changes', 'agenda_customer_changes']) {
      await tx.query(
        `DELETE FROM ${table} WHERE pg_visible_in_snapshot(xid::text::xid8, $1::pg_snapshot)
           OR xid::text::xid8 >= pg_snapshot_xmax(pg_current_snapshot())`,
        [run.moment.snapshot],
      );
    }
    const mark: StoredPlanMark = { date: run.date, at: run.moment.at, snapshot: run.moment.snapshot, policy: JSON.stringify(run.policy) };
    await tx.query(
      `INSERT INTO service_state (key, value) VALUES ($1, $2::jsonb) ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value, updated_at = now()`,
      [STORED_PLAN_KEY, JSON.stringify(mark)],
    );
    return true;
  });
}

/** Whether the stored plan answers an agenda of `date` under `policy`: its start when it does, else why not. */
export async function storedPlanState(db: Queryable, date: IsoDate, policy: AgendaPolicy): Promise<StoredPlanState> {
  // Visibility in the run's snapshot assumes one sequence of transaction ids: restored into another
  // cluster, ids start again lower and every later write would read as seen by the run.
  const [row] = await db.query<{
    mark: StoredPlanMark; changedAt: string | null; idsWentBack: boolean; changedCustomers: number[]; customerChangedAt: string | null;
  }>(
    `SELECT s.value AS mark,
       pg_snapshot_xmax(pg_current_snapshot()) < pg_snapshot_xmax((s.value->>'snapshot')::pg_snapshot) AS "idsWentBack",
       (SELECT to_jsonb(min(c.at)) #>> '{}' FROM agenda_data_changes c
        WHERE NOT pg_visible_in_snapshot(c.xid::text::xid8, (s.value->>'snapshot')::pg_snapshot)) AS "changedAt",
       ARRAY(SELECT DISTINCT c.customer_id FROM agenda_customer_changes c
        WHERE NOT pg_visible_in_snapshot(c.xid::text::xid8, (s.value->>'snapshot')::pg_snapshot) LIMIT $2::int) AS "changedCustomers",
       (SELECT to_jsonb(min(c.at)) #>> '{}' FROM agenda_customer_changes c
        WHERE NOT pg_visible_in_snapshot(c.xid::text::xid8, (s.value->>'snapshot')::pg_snapshot)) AS "customerChangedAt"
     FROM service_state s WHERE s.key = $1`,
    [STORED_PLAN_KEY, MAX_CUSTOMERS_PLANNED_LIVE + 1],
  );
  const live = (why: string): StoredPlanState =>
    ({ source: 'live', plannedAt: null, staleBecause: why, customersPlannedLive: null, changedCustomers: [] });
  if (!row) return live('the portfolio has not been planned since the agenda kept its plans');
  const { mark, changedAt, idsWentBack, changedCustomers, customerChangedAt } = row;
  if (idsWentBack) return live(`the database's transaction ids are behind the plan of ${mark.at}'s: restored into another cluster since`);
  if (mark.date !== date) return live(`the stored plan is for ${mark.date}`);
  if (mark.policy !== JSON.stringify(policy)) return live('the stored plan was made with another agenda policy');
  if (changedAt !== null) return live(`data the planner reads changed at ${changedAt}, after the plan of ${mark.at}`);
  if (changedCustomers.length > MAX_CUSTOMERS_PLANNED_LIVE) {
    return live(`data of more than ${MAX_CUSTOMERS_PLANNED_LIVE} customers changed since ${customerChangedAt}, after the plan of ${mark.at}`);
  }
  return { source: 'stored', plannedAt: mark.at, staleBecause: null, customersPlannedLive: 0, changedCustomers };
}

/** The start of the run whose plan is stored (its mark), null when none is. */
export async function storedPlanAt(db: Queryable): Promise<string | null> {
  const [row] = await db.query<{ at: string }>(`SELECT value->>'at' AS at FROM service_state WHERE key = $1`, [STORED_PLAN_KEY]);
  return row?.at ?? null;
}

export interface StoredPlanQuery {
  collectorId: number | null;
  customerIds?: number[];
  agenda?: 'all' | 'collection' | 'risk';
  /** Null: every one. */
  limit: number | null;
  /** Customers whose stored items are left out (planned live instead). */
  leaveOut?: number[];
}

// The stored items in scope and view, as the live read merges them with the
// actions: one a person closed is not shown, one planned shows with its id,
// any other (not stored yet, or cancelled by the planner) as a suggestion.
const IN_SCOPE = `FROM agenda_plan_items p LEFT JOIN actions a ON a.dedupe_key = p.dedupe_key
WHERE ($1::int IS NULL OR p.collector_id = $1::int) AND ($2::int[] IS NULL OR p.customer_id = ANY($2::int[]))
  AND ($3::text = 'all' OR (p.origin = 'risk') = ($3::text = 'risk')) AND NOT (p.customer_id = ANY($4::int[])) AND a.done_at IS NULL`;

const PAGE_SQL = `SELECT p.item, CASE WHEN a.status = 'planned' THEN a.id END AS id
${IN_SCOPE} AND p.task = $5::boolean ORDER BY p.score DESC, p.due_date, p.dedupe_key COLLATE "C" LIMIT $6::int`;

const COUNTS_SQL = `SELECT count(*) FILTER (WHERE p.task)::int AS tasks,
  count(*) FILTER (WHERE p.task AND a.status = 'planned')::int AS planned, count(*) FILTER (WHERE NOT p.task)::int AS automatic
${IN_SCOPE}`;

const toItem = (r: { item: PlanItem; id: number | null }): AgendaItem =>
  ({ id: r.id, state: r.id === null ? 'suggested' : 'planned', ...r.item });

/**
 * The first `limit` tasks and automatic steps of the stored plan in scope, in
 * the planner's order, and how many there are: a page, whatever the
 * portfolio's size (no limit: all of them, for the files and the call list).
 */
export async function readStoredPlan(db: Queryable, q: StoredPlanQuery): Promise<{
  tasks: AgendaItem[]; automatic: AgendaItem[]; counts: { tasks: number; planned: number; automatic: number };
}> {
  const scope = [q.collectorId, q.customerIds ?? null, q.agenda ?? 'all', q.leaveOut ?? []];
  const [tasks, automatic, [counts]] = await Promise.all([
    db.query<{ item: PlanItem; id: number | null }>(PAGE_SQL, [...scope, true, q.limit]),
    db.query<{ item: PlanItem; id: number | null }>(PAGE_SQL, [...scope, false, q.limit]),
    db.query<{ tasks: number; planned: number; automatic: number }>(COUNTS_SQL, scope),
  ]);
  return { tasks: tasks.map(toItem), automatic: automatic.map(toItem), counts };
}
