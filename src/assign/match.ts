// Which rules select which customers, stage by stage. Two ways, one answer:
// set-based SQL for the whole portfolio, compiled in-memory functions for a
// few changed customers. Both read the same facts, taken once per run (a
// temporary table in SQL, records in memory); between stages the engine lays
// the planned values of the rules already resolved (groups, collector, ...)
// over those facts, so a later rule reads the groups an earlier one builds.
import { compileInMemory, compileSql, type CompiledCriteria } from '../criteria/index.js';
import { CUSTOMER_FIELDS } from '../fields/registry.js';
import { customerFactsSql, type CustomerFacts } from '../fields/facts.js';
import type { Queryable } from '../db/sql.js';
import type { CompiledRule } from './compile.js';
import type { ValuesSql } from './write.js';
import { SCALAR_TARGETS, SCALAR_TARGET_NAMES, type ScalarTargetName, type Value } from './targets.js';

export interface PlannedFacts {
  id: number;
  values: Record<ScalarTargetName, Value>;
  groups: string[];
}

/** Customer id → ids of the hysteresis rules it was inside at the last applied run. */
export type Members = ReadonlyMap<number, readonly number[]>;

export interface Matcher {
  /** Customer id → ids of the rules selecting it (customers no rule selects are left out). */
  match(rules: CompiledRule[], members: Members): Promise<Map<number, number[]>>;
  /** Later stages see these customers as planned. */
  override(planned: PlannedFacts[]): Promise<void>;
  /** The facts the reasons quote, for some customers. */
  values(ids: number[], fields: string[]): Promise<Map<number, Record<string, unknown>>>;
}

const quote = (name: string) => `"${name}"`;
const sqlType = (n: ScalarTargetName) => (SCALAR_TARGETS[n].kind === 'boolean' ? 'boolean' : 'text');

/**
 * Whole portfolio. The facts the rules read are taken once into a temporary
 * table (only the fields some rule reads); planned values of earlier stages
 * sit in a second one, joined over the first. `db` must be one connection (a
 * transaction).
 */
export class SqlMatcher implements Matcher {
  private ready = false;
  private overridden = false;
  private readonly fields: string[];

  /** `fields`: every registry field the rules read. */
  constructor(private readonly db: Queryable, fields: Iterable<string>) {
    this.fields = [...new Set(fields)].filter((f) => f !== 'id').sort();
  }

  private async prepare(): Promise<void> {
    if (this.ready) return;
    const cols = this.fields.map((n) => `f.${quote(n)}`);
    await this.db.query('DROP TABLE IF EXISTS _assign_facts');
    await this.db.query(`CREATE TEMP TABLE _assign_facts ON COMMIT DROP AS SELECT ${['f.id', ...cols].join(', ')} FROM (${customerFactsSql()}) f`);
    await this.db.query('ALTER TABLE _assign_facts ADD PRIMARY KEY (id)');
    this.ready = true;
  }

  /** The facts as later stages see them: planned values over the snapshot. */
  private source(): string {
    if (!this.overridden) return '_assign_facts f';
    const cols = this.fields.map((n) =>
      OVERRIDABLE.has(n) ? `CASE WHEN o.id IS NULL THEN f0.${quote(n)} ELSE o.${quote(n)} END AS ${quote(n)}` : `f0.${quote(n)}`);
    return `(SELECT ${['f0.id', ...cols].join(', ')} FROM _assign_facts f0 LEFT JOIN _assign_overrides o ON o.id = f0.id) f`;
  }

  async match(rules: CompiledRule[]): Promise<Map<number, number[]>> {
    await this.prepare();
    const params: unknown[] = [];
    const compile = (ast: CompiledRule['ast']) => {
      const c = compileSql(ast, CUSTOMER_FIELDS, params.length);
      params.push(...c.params);
      return c.sql;
    };
    const cases = rules.map((r) => {
      const enter = compile(r.ast);
      // Rule ids are integers from our own table, safe to inline.
      const test = r.keep ? `CASE WHEN rm.rule_ids @> ARRAY[${Number(r.id)}] THEN ${compile(r.keep)} ELSE ${enter} END` : enter;
      return `CASE WHEN ${test} THEN ${Number(r.id)} END`;
    });
    const hysteresis = rules.some((r) => r.keep) ? 'LEFT JOIN assignment_rule_members rm ON rm.customer_id = f.id' : '';
    const rows = await this.db.query<{ id: number; matched: number[] }>(
      `SELECT id, matched FROM (
         SELECT f.id, array_remove(ARRAY[${cases.join(', ')}]::int[], NULL) AS matched FROM ${this.source()} ${hysteresis}
       ) m WHERE cardinality(matched) > 0`,
      params,
    );
    return new Map(rows.map((r) => [r.id, r.matched]));
  }

  async override(planned: PlannedFacts[]): Promise<void> {
    // Only what some rule reads is in the facts, so only that is overridden.
    const scalars = SCALAR_TARGET_NAMES.filter((n) => this.fields.includes(n));
    const groups = this.fields.includes('groups');
    if (!this.overridden) {
      await this.db.query('DROP TABLE IF EXISTS _assign_overrides');
      await this.db.query(`CREATE TEMP TABLE _assign_overrides (id int PRIMARY KEY, groups text[]
        ${scalars.map((n) => `, ${quote(n)} ${sqlType(n)}`).join('')}) ON COMMIT DROP`);
      this.overridden = true;
    }
    if (planned.length === 0 || (!groups && scalars.length === 0)) return;
    await this.db.query(
      `INSERT INTO _assign_overrides (id, groups${scalars.map((n) => `, ${quote(n)}`).join('')})
       SELECT x.id, ARRAY(SELECT jsonb_array_elements_text(x.g::jsonb))
         ${scalars.map((n, i) => `, (x.v::jsonb ->> ${i})::${sqlType(n)}`).join('')}
       FROM unnest($1::int[], $2::text[], $3::text[]) AS x(id, g, v)
       ON CONFLICT (id) DO UPDATE SET groups = EXCLUDED.groups${scalars.map((n) => `, ${quote(n)} = EXCLUDED.${quote(n)}`).join('')}`,
      [
        planned.map((p) => p.id),
        planned.map((p) => (groups ? JSON.stringify(p.groups) : '[]')),
        planned.map((p) => JSON.stringify(scalars.map((n) => p.values[n]))),
      ],
    );
  }

  /** The facts each rule reads, as SQL over the staged changes `p` (for the audit of a whole run). */
  valuesSql(rules: CompiledRule[]): ValuesSql {
    // Field names match FIELD_NAME_PATTERN: safe as SQL string literals.
    const arms = rules.map((r) => `WHEN ${Number(r.id)} THEN jsonb_build_object(${r.ast.fields.map((f) => `'${f}', f.${quote(f)}`).join(', ')})`);
    return { from: this.source(), expr: arms.length > 0 ? `CASE p.rule_id ${arms.join(' ')} ELSE '{}'::jsonb END` : `'{}'::jsonb` };
  }

  async values(ids: number[], fields: string[]): Promise<Map<number, Record<string, unknown>>> {
    const wanted = fields.filter((f) => this.fields.includes(f));
    if (ids.length === 0 || wanted.length === 0) return new Map();
    await this.prepare();
    const rows = await this.db.query<Record<string, unknown> & { id: number }>(
      `SELECT f.id${wanted.map((n) => `, f.${quote(n)}`).join('')} FROM ${this.source()} JOIN unnest($1::int[]) AS x(id) ON x.id = f.id`,
      [ids],
    );
    return new Map(rows.map(({ id, ...values }) => [id, values]));
  }
}

const OVERRIDABLE = new Set<string>(['groups', ...SCALAR_TARGET_NAMES]);

export interface CompiledPair {
  id: number;
  enter: CompiledCriteria;
  keep: CompiledCriteria | null;
}

/** Compiles each rule once: the criteria, and the looser ones that keep members in. */
export function compilePairs(rules: CompiledRule[]): CompiledPair[] {
  return rules.map((r) => ({ id: r.id, enter: compileInMemory(r.ast), keep: r.keep ? compileInMemory(r.keep) : null }));
}

/** Evaluates compiled rules over facts records: the hot loop of in-memory runs. */
export function matchRecords(records: Iterable<Record<string, unknown> & { id: number }>, pairs: CompiledPair[], members: Members): Map<number, number[]> {
  const out = new Map<number, number[]>();
  for (const rec of records) {
    const inside = members.get(rec.id);
    let matched: number[] | null = null;
    for (const p of pairs) {
      const f = p.keep !== null && inside !== undefined && inside.includes(p.id) ? p.keep : p.enter;
      if (f(rec)) (matched ??= []).push(p.id);
    }
    if (matched) out.set(rec.id, matched);
  }
  return out;
}

/** A few customers (after an import or a rescoring), evaluated in memory. */
export class MemoryMatcher implements Matcher {
  private constructor(private readonly records: Map<number, Record<string, unknown> & { id: number }>) {}

  static async load(db: Queryable, ids: number[]): Promise<MemoryMatcher> {
    const rows = ids.length === 0 ? [] : await db.query<CustomerFacts>(customerFactsSql({ customerIds: '$1' }), [ids]);
    return new MemoryMatcher(new Map(rows.map((r) => [r.id, r])));
  }

  async match(rules: CompiledRule[], members: Members): Promise<Map<number, number[]>> {
    return matchRecords(this.records.values(), compilePairs(rules), members);
  }

  async override(planned: PlannedFacts[]): Promise<void> {
    for (const p of planned) {
      const rec = this.records.get(p.id);
      if (!rec) continue;
      rec.groups = p.groups;
      for (const n of SCALAR_TARGET_NAMES) rec[n] = p.values[n];
    }
  }

  async values(ids: number[], fields: string[]): Promise<Map<number, Record<string, unknown>>> {
    const out = new Map<number, Record<string, unknown>>();
    for (const id of ids) {
      const rec = this.records.get(id);
      if (!rec) continue;
      const values: Record<string, unknown> = {};
      for (const f of fields) values[f] = rec[f] ?? null;
      out.set(id, values);
    }
    return out;
  }
}
