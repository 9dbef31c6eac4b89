// SQL compiler (PostgreSQL dialect, also PGlite): the saved search as a
// parameterised boolean expression for a WHERE clause. Field expressions come
// from the registry (trusted); every user value is a `$n` parameter with an
// explicit cast, so nothing from the criteria is ever spliced into the text.
//
// The same null rule as in memory (compile-closures.ts): every predicate is
// made two-valued with `IS TRUE`, so SQL's unknown becomes false *before* any
// NOT, which is what makes `!(x > 5)` true for a missing x here too. Numbers
// are compared as float8 (JavaScript doubles), text with COLLATE "C" (code
// point order, as JavaScript compares strings), dates as date. Arithmetic is
// guarded so PostgreSQL never raises an overflow (arith.ts, same rule as in
// memory).

import { ARITH_SQL } from './arith.js';
import type { Arith, Condition, CriteriaAst, FieldRef, MinMax, ValueNode } from './ast.js';
import { CriteriaError } from './errors.js';
import type { FieldRegistry, FieldType } from './registry.js';

/** SQL for a value, and whether it is short and cheap enough to repeat. */
interface Operand {
  sql: string;
  cheap: boolean;
}

export interface SqlFragment {
  sql: string;
  params: unknown[];
}

const CAST: Record<FieldType, string> = {
  number: 'float8',
  string: 'text',
  date: 'date',
  boolean: 'boolean',
  stringList: 'text[]',
};

const SQL_COMPARE: Record<string, string> = { '==': '=', '!=': '<>', '<': '<', '<=': '<=', '>': '>', '>=': '>=' };

/**
 * @param paramOffset how many parameters the surrounding query already uses:
 *   with 2, the first placeholder of the fragment is `$3`.
 */
export function compileSql(ast: CriteriaAst, registry: FieldRegistry, paramOffset = 0): SqlFragment {
  const builder = new SqlBuilder(registry, paramOffset);
  const sql = builder.condition(ast.root);
  return { sql, params: builder.params };
}

class SqlBuilder {
  readonly params: unknown[] = [];

  constructor(
    private readonly registry: FieldRegistry,
    private readonly offset: number,
  ) {}

  private param(value: unknown, type: FieldType): string {
    this.params.push(value);
    return `$${this.offset + this.params.length}::${CAST[type]}`;
  }

  /** The registry expression, typed; NaN and ±Infinity count as no value, as in memory. */
  private column(name: string, type: FieldType, path: string): string {
    const def = this.registry.get(name);
    if (!def) {
      throw new CriteriaError('AR_ERR_CRITERIA_UNKNOWN_FIELD', `no customer field named "${name}" in this registry`, { path });
    }
    if (def.type !== type) {
      throw new CriteriaError(
        'AR_ERR_CRITERIA_TYPE',
        `${name} is now a ${def.type} but the criteria were validated when it was a ${type}; save the search again`,
        { path },
      );
    }
    const cast = `(${def.sql})::${CAST[type]}`;
    // abs(NaN) < Infinity is false: PostgreSQL orders NaN above every number.
    return type === 'number' ? `(CASE WHEN abs(${cast}) < 'Infinity'::float8 THEN ${cast} END)` : cast;
  }

  private field(node: FieldRef): string {
    const col = this.column(node.name, node.type, node.path);
    if (!node.fallback || node.fallback.value === null) return col;
    return `COALESCE(${col}, ${this.param(node.fallback.value, node.type)})`;
  }

  value(node: ValueNode): string {
    switch (node.kind) {
      case 'field':
        return this.field(node);
      case 'literal':
        return node.value === null ? `NULL::${CAST[node.type]}` : this.param(node.value, node.type);
      case 'arith':
        return this.arith(node);
      case 'minmax':
        return this.minmax(node);
      case 'choose': {
        const arms = node.branches.map((b) => `WHEN ${this.condition(b.when)} THEN ${this.value(b.then)}`).join(' ');
        return `(CASE ${arms} ELSE ${this.value(node.otherwise)} END)`;
      }
    }
  }

  private arith(node: Arith): string {
    if (node.op === '-' && node.args.length === 1) return `(- ${this.value(node.args[0])})`;
    const step = ARITH_SQL[node.op];
    const [first, ...rest] = node.args.map((a) => this.operand(a));
    // Left-nested, as JavaScript evaluates a + b + c.
    return rest.reduce((acc, next) => ({ sql: this.share([acc, next], ([x, y]) => step(x, y)), cheap: false }), first).sql;
  }

  private minmax(node: MinMax): string {
    if (node.args.length === 1) return this.value(node.args[0]);
    // GREATEST/LEAST skip NULLs; the null rule wants no value instead.
    const fn = node.op === 'max' ? 'GREATEST' : 'LEAST';
    return this.share(node.args.map((a) => this.operand(a)), (xs) =>
      `CASE WHEN ${xs.map((x) => `${x} IS NULL`).join(' OR ')} THEN NULL ELSE ${fn}(${xs.join(', ')}) END`);
  }

  private operand(node: ValueNode): Operand {
    return { sql: this.value(node), cheap: node.kind === 'field' || node.kind === 'literal' };
  }

  /**
   * `body` names each operand several times. A field or a parameter is
   * repeated as is; a computed operand is bound once in a subquery, or nested
   * arithmetic would double the SQL at each level. OFFSET 0 keeps the planner
   * from inlining it back (which would copy the expression after all).
   */
  private share(operands: Operand[], body: (refs: string[]) => string): string {
    const bound: string[] = [];
    const refs = operands.map((o) => {
      if (o.cheap) return o.sql;
      bound.push(`${o.sql} AS v${bound.length}`);
      return `_let.v${bound.length - 1}`;
    });
    const expr = body(refs);
    return bound.length === 0 ? `(${expr})` : `(SELECT ${expr} FROM (SELECT ${bound.join(', ')} OFFSET 0) AS _let)`;
  }

  condition(node: Condition): string {
    switch (node.kind) {
      case 'const':
        return node.value ? 'TRUE' : 'FALSE';
      case 'and':
      case 'or':
        return `(${node.args.map((a) => this.condition(a)).join(node.kind === 'and' ? ' AND ' : ' OR ')})`;
      case 'not':
        return `(NOT ${this.condition(node.arg)})`;
      case 'compare': {
        const collate = node.operands[0].type === 'string' ? ' COLLATE "C"' : '';
        const xs = node.operands.map((o) => `(${this.value(o)})${collate}`);
        const op = SQL_COMPARE[node.op];
        const pairs = xs.slice(1).map((x, i) => `${xs[i]} ${op} ${x}`);
        return `((${pairs.join(' AND ')}) IS TRUE)`;
      }
      case 'isNull':
        return `((${this.value(node.value)}) IS ${node.negate ? 'NOT ' : ''}NULL)`;
      case 'inList': {
        if (node.list.length === 0) return 'FALSE';
        const list = node.list.map((n) => this.value(n)).join(', ');
        return `((${this.value(node.value)}) IN (${list}) IS TRUE)`;
      }
      case 'contains':
        return `(strpos(${this.value(node.text)}, ${this.value(node.part)}) > 0 IS TRUE)`;
      case 'affix': {
        const text = this.value(node.text);
        const part = this.value(node.part);
        return node.where === 'start'
          ? `(starts_with(${text}, ${part}) IS TRUE)`
          : `((right(${text}, length(${part})) = ${part}) IS TRUE)`;
      }
      case 'member':
        return `((${this.value(node.item)} = ANY(${this.value(node.list)})) IS TRUE)`;
      case 'truthy':
        return this.truthy(node.value);
      case 'missing': {
        const absent = node.fields.map((f) => {
          const col = this.column(f.name, f.type, node.path);
          return f.type === 'string' ? `(${col} IS NULL OR ${col} = '')` : `(${col} IS NULL)`;
        });
        if (node.need === null) return `(${absent.join(' OR ')})`;
        const present = absent.map((a) => `(CASE WHEN ${a} THEN 0 ELSE 1 END)`).join(' + ');
        return `((${present}) < ${Number(node.need)})`;
      }
      case 'cond': {
        const arms = node.branches.map((b) => `WHEN ${this.condition(b.when)} THEN ${this.condition(b.then)}`).join(' ');
        return `(CASE ${arms} ELSE ${this.condition(node.otherwise)} END)`;
      }
    }
  }

  private truthy(node: ValueNode): string {
    const v = this.value(node);
    switch (node.type) {
      case 'number':
        return `((${v}) <> 0 IS TRUE)`;
      case 'string':
        return `((${v}) <> '' IS TRUE)`;
      case 'boolean':
        return `((${v}) IS TRUE)`;
      case 'date':
        return `((${v}) IS NOT NULL)`;
      case 'stringList':
        return `(cardinality(${v}) > 0 IS TRUE)`;
    }
  }
}
