// SQL compiler (PostgreSQL dialect, also PGlite): the saved search as a
// parameterised boolean expression for a WHERE clause. Field expressions come
// from the registry (trusted); every user value is a `$n` parameter with an
// explicit cast, so nothing from the criteria is ever spliced into the text.
//
// The same null rule as in memory (compile-closures.ts): every predicate is
// made two-valued with `IS TRUE`, so SQL's unknown becomes false *before* any
// NOT, which is what makes `!(x > 5)` true for a missing x here too. Numbers
// are compared as float8 (JavaScript doubles), text with COLLATE "C" (code
// point order, as JavaScript compares strings), dates as date.

import type { Condition, CriteriaAst, FieldRef, ValueNode } from './ast.js';
import { CriteriaError } from './errors.js';
import type { FieldRegistry, FieldType } from './registry.js';

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

  /** The registry expression, typed; NaN counts as no value, as in memory. */
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
    return type === 'number' ? `NULLIF(${cast}, 'NaN'::float8)` : cast;
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
      case 'arith': {
        const args = node.args.map((a) => this.value(a));
        const [a, b] = args;
        switch (node.op) {
          case '-':
            return args.length === 1 ? `(- ${a})` : `(${a} - ${b})`;
          case '/':
            return `(${a} / NULLIF(${b}, 0))`;
          case '%':
            // Same operations as the in-memory a − b·trunc(a/b); float8 has no %.
            return `(${a} - ${b} * trunc(${a} / NULLIF(${b}, 0)))`;
          default:
            // Left-nested, as JavaScript evaluates a + b + c.
            return args.reduce((acc, x) => `(${acc} ${node.op} ${x})`);
        }
      }
      case 'minmax': {
        const args = node.args.map((a) => this.value(a));
        if (args.length === 1) return args[0];
        // GREATEST/LEAST skip NULLs; the null rule wants no value instead.
        const anyNull = args.map((a) => `${a} IS NULL`).join(' OR ');
        return `(CASE WHEN ${anyNull} THEN NULL ELSE ${node.op === 'max' ? 'GREATEST' : 'LEAST'}(${args.join(', ')}) END)`;
      }
      case 'choose': {
        const arms = node.branches.map((b) => `WHEN ${this.condition(b.when)} THEN ${this.value(b.then)}`).join(' ');
        return `(CASE ${arms} ELSE ${this.value(node.otherwise)} END)`;
      }
    }
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
