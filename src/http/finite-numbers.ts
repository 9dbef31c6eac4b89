// Ajv coerces the text "Infinity" in a query string or path to a number that
// passes `type: integer` and every minimum/maximum (its range checks are
// written so that they cannot fail on ±Infinity), so `?limit=Infinity` reached
// handlers and SQL as a number. Query strings, paths and headers are text: no
// finite-looking field of them may come out of coercion infinite.

interface ValidateFn {
  (data: unknown, context?: unknown): boolean;
  errors?: unknown[] | null;
  schemaEnv?: unknown;
}

/** JSON Pointer of the first non-finite number in `data`, or null. */
export function nonFiniteAt(data: unknown, path = ''): string | null {
  if (typeof data === 'number') return Number.isFinite(data) ? null : path;
  if (data === null || typeof data !== 'object') return null;
  for (const [key, value] of Object.entries(data)) {
    const at = nonFiniteAt(value, `${path}/${key}`);
    if (at !== null) return at;
  }
  return null;
}

export function refusingInfinity(validate: ValidateFn): ValidateFn {
  const wrapped: ValidateFn = (data, context) => {
    if (!validate(data, context)) {
      wrapped.errors = validate.errors;
      return false;
    }
    const at = nonFiniteAt(data);
    if (at === null) return true;
    wrapped.errors = [{ instancePath: at, schemaPath: '#', keyword: 'type', params: { type: 'number' }, message: 'must be a finite number' }];
    return false;
  };
  // Fastify passes the parent (so Ajv may coerce the root) only to validators that carry schemaEnv.
  wrapped.schemaEnv = validate.schemaEnv;
  return wrapped;
}
