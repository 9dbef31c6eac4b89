// Which rules select which customers, stage by stage. Two ways, one answer:
// set-based SQL over the facts query for the whole portfolio, compiled
// in-memory functions for a few changed customers. Between stages the engine
// hands over the planned values (groups, collector, ...) of the rules already
// resolved, so a later rule reads the groups an earlier one builds.
import { compileInMemory, compileSql, type CompiledCriteria } from '../criteria/index.js';
import { CUSTOMER_FIELD_DEFS, CUSTOMER_FIELDS } from '../fields/registry.js';
import { customerFactsSql, type CustomerFacts } from '../fields/facts.js';
import type { Queryable } from '../db/sql.js';
import type { CompiledRule } from './compile.js';
import { SCALAR_TARGETS, SCALAR_TARGET_NAMES, type ScalarTargetName, type Value } from './targets.js';

export interface MatchRow {
  id: number;
  /** Ids of the rules of the stage that select the customer. */
  matched: number[];
  /** The facts the stage's criteria read, for the reasons. */
  values: Record<string, unknown>;
}

export interface PlannedFacts {
  id: number;
  values: Record<ScalarTargetName, Value>;
  groups: string[];
}

export interface Matcher {
  /** `members`: for hysteresis rules, who was inside at the last applied run. */
  match(rules: CompiledRule[], fields: string[], members: ReadonlyMap<number, ReadonlySet<number>>): Promise<MatchRow[]>;
  /** Later stages see these customers as planned. */
  override(planned: PlannedFacts[]): Promise<void>;
}

const q = (name: string) => `"${name}"`;

export class SqlMatcher implements Matcher {
  private overridden = false;

  constructor(private readonly db: Queryable) {}

  async match(rules: CompiledRule[], fields: string[]): Promise<MatchRow[]> {
    const params: unknown[] = [];
    const compile = (ast: CompiledRule['ast']) => {
      const c = compileSql(ast, CUSTOMER_FIELDS, params.length);
      params.push(...c.params);
      return c.sql;
    };
    const cases = rules.map((r) => {
      const enter = compile(r.ast);
      // Rule ids are integers from our own table, safe to inline.
      const test = r.keep ? `CASE WHEN rm.rules @> ARRAY[${Number(r.id)}] THEN ${compile(r.keep)} ELSE ${enter} END` : enter;
      return `CASE WHEN ${test} THEN ${Number(r.id)} END`;
    });
    const facts = this.overridden
      ? `(SELECT f0.id, ${CUSTOMER_FIELD_DEFS.map((d) =>
          OVERRIDABLE.has(d.name) ? `CASE WHEN o.id IS NULL THEN f0.${q(d.name)} ELSE o.${q(d.name)} END AS ${q(d.name)}` : `f0.${q(d.name)}`,
        ).join(', ')} FROM (${customerFactsSql()}) f0 LEFT JOIN _assign_overrides o ON o.id = f0.id)`
      : `(${customerFactsSql()})`;
    const hysteresis = rules.some((r) => r.keep)
      ? `LEFT JOIN (SELECT customer_id, array_agg(rule_id) AS rules FROM assignment_rule_members GROUP BY customer_id) rm
           ON rm.customer_id = f.id`
      : '';
    const rows = await this.db.query<{ id: number; matched: number[] } & Record<string, unknown>>(
      `SELECT f.id, array_remove(ARRAY[${cases.join(', ')}]::int[], NULL) AS matched${fields.map((n) => `, f.${q(n)}`).join('')}
       FROM ${facts} f ${hysteresis}`,
      params,
    );
    return rows.map((row) => {
      const values: Record<string, unknown> = {};
      for (const n of fields) values[n] = row[n];
      return { id: row.id, matched: row.matched, values };
    });
  }

  async override(planned: PlannedFacts[]): Promise<void> {
    if (!this.overridden) {
      await this.db.query(`CREATE TEMP TABLE IF NOT EXISTS _assign_overrides (id int PRIMARY KEY, groups text[],
        ${SCALAR_TARGET_NAMES.map((n) => `${q(n)} ${SCALAR_TARGETS[n].kind === 'boolean' ? 'boolean' : 'text'}`).join(', ')})
        ON COMMIT DROP`);
      await this.db.query('TRUNCATE _assign_overrides');
      this.overridden = true;
    }
    if (planned.length === 0) return;
    const cols = SCALAR_TARGET_NAMES.map(q).join(', ');
    await this.db.query(
      `INSERT INTO _assign_overrides (id, groups, ${cols})
       SELECT x.id, ARRAY(SELECT jsonb_array_elements_text(x.g::jsonb)),
         ${SCALAR_TARGET_NAMES.map((n, i) => `(x.v::jsonb ->> ${i})::${SCALAR_TARGETS[n].kind === 'boolean' ? 'boolean' : 'text'}`).join(', ')}
       FROM unnest($1::int[], $2::text[], $3::text[]) AS x(id, g, v)
       ON CONFLICT (id) DO UPDATE SET groups = EXCLUDED.groups, ${SCALAR_TARGET_NAMES.map((n) => `${q(n)} = EXCLUDED.${q(n)}`).join(', ')}`,
      [
        planned.map((p) => p.id),
        planned.map((p) => JSON.stringify(p.groups)),
        planned.map((p) => JSON.stringify(SCALAR_TARGET_NAMES.map((n) => p.values[n]))),
      ],
    );
  }
}

const OVERRIDABLE = new Set<string>(['groups', ...SCALAR_TARGET_NAMES]);

interface CompiledPair {
  id: number;
  enter: CompiledCriteria;
  keep: CompiledCriteria | null;
}

/** Compiles each rule once: the criteria, and the looser ones that keep members in. */
export function compilePairs(rules: CompiledRule[]): CompiledPair[] {
  return rules.map((r) => ({ id: r.id, enter: compileInMemory(r.ast), keep: r.keep ? compileInMemory(r.keep) : null }));
}

/** Evaluates compiled rules over facts records: the hot loop of in-memory runs. */
export function matchRecords(
  records: Iterable<Record<string, unknown> & { id: number }>,
  pairs: CompiledPair[],
  members: ReadonlyMap<number, ReadonlySet<number>>,
): Map<number, number[]> {
  const out = new Map<number, number[]>();
  for (const rec of records) {
    const matched: number[] = [];
    for (const p of pairs) {
      const inside = p.keep !== null && members.get(p.id)?.has(rec.id) === true;
      if ((inside ? p.keep! : p.enter)(rec)) matched.push(p.id);
    }
    out.set(rec.id, matched);
  }
  return out;
}

export class MemoryMatcher implements Matcher {
  private constructor(private readonly records: Map<number, Record<string, unknown> & { id: number }>) {}

  static async load(db: Queryable, ids: number[]): Promise<MemoryMatcher> {
    const rows = ids.length === 0 ? [] : await db.query<CustomerFacts>(customerFactsSql({ where: 'c.id = ANY($1::int[])' }), [ids]);
    return new MemoryMatcher(new Map(rows.map((r) => [r.id, r])));
  }

  async match(rules: CompiledRule[], fields: string[], members: ReadonlyMap<number, ReadonlySet<number>>): Promise<MatchRow[]> {
    const matched = matchRecords(this.records.values(), compilePairs(rules), members);
    return [...this.records.values()].map((rec) => {
      const values: Record<string, unknown> = {};
      for (const n of fields) values[n] = rec[n] ?? null;
      return { id: rec.id, matched: matched.get(rec.id)!, values };
    });
  }

  async override(planned: PlannedFacts[]): Promise<void> {
    for (const p of planned) {
      const rec = this.records.get(p.id);
      if (!rec) continue;
      rec.groups = p.groups;
      for (const n of SCALAR_TARGET_NAMES) rec[n] = p.values[n];
    }
  }
}
