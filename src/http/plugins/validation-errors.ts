// Ajv's errors as a person reads them: one error per wrong field, in words.
import type { FastifyError } from 'fastify';
import { PATTERN_MESSAGES } from '../schemas/common.js';

type AjvError = NonNullable<FastifyError['validation']>[number];

interface FieldError {
  path: string;
  message: string;
  params?: Record<string, unknown>;
}

/**
 * A choice among literals fails once per literal ("must be equal to
 * constant", three times) and once more for the union: one error instead,
 * naming the values allowed.
 */
function mergeChoices(errors: FieldError[]): FieldError[] {
  const allowed = new Map<string, unknown[]>();
  for (const e of errors) if (e.params && 'allowedValue' in e.params) allowed.set(e.path, [...(allowed.get(e.path) ?? []), e.params.allowedValue]);
  if (allowed.size === 0) return errors;
  const out: FieldError[] = [];
  for (const e of errors) {
    const values = allowed.get(e.path);
    if (!values) out.push(e);
    else if (e.params && 'allowedValue' in e.params && e.params.allowedValue === values[0]) {
      out.push({ path: e.path, message: `must be one of: ${values.map((v) => JSON.stringify(v)).join(', ')}`, params: { allowedValues: values } });
    }
  }
  return out;
}

function messageOf(v: AjvError): string {
  if (v.keyword === 'additionalProperties') {
    return `has no member named ${JSON.stringify((v.params as { additionalProperty?: string }).additionalProperty)}`;
  }
  const pattern = v.keyword === 'pattern' ? (v.params as { pattern?: string }).pattern : undefined;
  return (pattern && PATTERN_MESSAGES[pattern]) || v.message || 'is not valid';
}

export function validationDetail(err: FastifyError): { detail: string; errors: FieldError[] } {
  const errors = mergeChoices(narrowUnions(err.validation ?? []).map((v) => ({
    path: `${err.validationContext ?? ''}${v.instancePath || ''}`,
    message: messageOf(v),
    ...(v.params && Object.keys(v.params).length > 0 ? { params: v.params as Record<string, unknown> } : {}),
  })));
  return { detail: `The request is not valid: ${errors.map((e) => `${e.path} ${e.message}`).join('; ')}`, errors };
}

const parentPath = (path: string): string => path.slice(0, Math.max(0, path.lastIndexOf('/')));

/**
 * Where the union's tag sits: the value itself (a choice of literals) or the
 * member whose const fails in the most branches (`type`, not `actor`, which
 * one branch only constrains).
 */
function tagPath(union: AjvError, errors: AjvError[], branchOf: (e: AjvError) => number | null): string | null {
  const branchesByPath = new Map<string, Set<number>>();
  for (const e of errors) {
    const b = branchOf(e);
    if (b === null || e.keyword !== 'const') continue;
    if (e.instancePath !== union.instancePath && parentPath(e.instancePath) !== union.instancePath) continue;
    branchesByPath.set(e.instancePath, (branchesByPath.get(e.instancePath) ?? new Set()).add(b));
  }
  let best: string | null = null;
  for (const [path, set] of branchesByPath) if (best === null || set.size > branchesByPath.get(best)!.size) best = path;
  return best;
}

/**
 * A union of objects told apart by a tag (`type: "setCollector"`) fails in
 * every branch: "must have required property 'group'" for the branches the
 * client did not mean, then "must match a schema in anyOf". Only the branch
 * whose tag matches speaks; when no tag matches, only the tags do (merged
 * into "must be one of" below).
 */
function narrowUnions(errors: AjvError[]): AjvError[] {
  let out = errors;
  for (const union of errors.filter((e) => e.keyword === 'anyOf')) {
    const prefix = `${union.schemaPath}/`;
    const branchOf = (e: AjvError): number | null =>
      e.schemaPath.startsWith(prefix) && e.instancePath.startsWith(union.instancePath) ? Number(e.schemaPath.slice(prefix.length).split('/')[0]) : null;
    const branches = new Set(out.map(branchOf).filter((b): b is number => b !== null));
    const tag = tagPath(union, out, branchOf);
    const isTag = (e: AjvError) => e.keyword === 'const' && e.instancePath === tag;
    const untagged = [...branches].filter((b) => !out.some((e) => branchOf(e) === b && isTag(e)));
    if (untagged.length > 1) continue;
    out = out.filter((e) => {
      if (e === union) return false;
      const b = branchOf(e);
      if (b === null) return true;
      return untagged.length === 1 ? b === untagged[0] : isTag(e);
    });
  }
  return out;
}
