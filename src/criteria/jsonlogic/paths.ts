// Reading inside an arbitrary record: own properties of plain objects and
// indices of arrays only, so no path (literal or computed) can reach a
// prototype, a getter or a string's methods.

import { FORBIDDEN_SEGMENTS } from '../registry.js';
import { forbidden, isPlainObject } from '../shape.js';

const INDEX = /^(0|[1-9]\d*)$/;

/** One step down; undefined when there is nothing there. */
export function child(container: unknown, segment: unknown, path: string): unknown {
  const key = String(segment);
  if (FORBIDDEN_SEGMENTS.has(key)) throw forbidden(path, key);
  if (Array.isArray(container)) return INDEX.test(key) ? container[Number(key)] : undefined;
  if (isPlainObject(container) && Object.hasOwn(container, key)) return container[key];
  return undefined;
}

/**
 * json-logic-js `var`: a dot path ("a.b.1"), the whole data for "" / null,
 * and the default only when nothing is found (a stored null is returned).
 */
export function readVar(data: unknown, rawPath: unknown, fallback: unknown, path: string): unknown {
  const notFound = fallback === undefined ? null : fallback;
  if (rawPath === undefined || rawPath === null || rawPath === '') return data;
  let cur = data;
  for (const segment of String(rawPath).split('.')) {
    if (cur === null || cur === undefined) return notFound;
    cur = child(cur, segment, path);
    if (cur === undefined) return notFound;
  }
  return cur;
}

/** Community `val`: each argument is one key, no dot splitting; absent → null. */
export function readVal(data: unknown, segments: readonly unknown[], path: string): unknown {
  let cur = data;
  for (const segment of segments) {
    if (cur === null || cur === undefined) return null;
    cur = child(cur, segment, path);
  }
  return cur === undefined ? null : cur;
}

/** Community `exists`: is every key present (a stored null counts as present)? */
export function pathExists(data: unknown, segments: readonly unknown[], path: string): boolean {
  let cur = data;
  for (const segment of segments) {
    const key = String(segment);
    if (FORBIDDEN_SEGMENTS.has(key)) throw forbidden(path, key);
    if (Array.isArray(cur) ? !INDEX.test(key) || Number(key) >= cur.length : !isPlainObject(cur) || !Object.hasOwn(cur, key)) {
      return false;
    }
    cur = (cur as Record<string, unknown>)[key];
  }
  return true;
}
