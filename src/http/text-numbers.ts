// Query strings, paths and headers are text that Ajv coerces to numbers with
// Number(), which reads more than a person or a client means by a number:
// `?limit=0x10` is 16, `1e2` 100, `+1` and ` 5` pass, and "Infinity" passes
// `type: integer` and every minimum/maximum (Ajv's range checks are written so
// that they cannot fail on ±Infinity), so such values reached handlers and SQL.
// An integer in text is written in decimal digits, and no number of it may
// come out of coercion infinite.

interface AjvError {
  instancePath: string;
  schemaPath: string;
  keyword: string;
  params: Record<string, unknown>;
  message: string;
}

interface ValidateFn {
  (data: unknown, context?: unknown): boolean;
  errors?: unknown[] | null;
  schemaEnv?: unknown;
}

interface PartSchema {
  properties?: Record<string, { type?: unknown; items?: { type?: unknown } }>;
}

const DECIMAL_INTEGER = /^-?[0-9]+$/;

const isInteger = (schema: { type?: unknown } | undefined): boolean => schema?.type === 'integer';

/** Members of the part that hold integers, alone or as a list (`?id=1&id=2`). */
function integerMembers(schema: unknown): string[] {
  const properties = (schema as PartSchema | null)?.properties ?? {};
  return Object.keys(properties).filter((name) => isInteger(properties[name]) || isInteger(properties[name].items));
}

/** An error per integer member sent as text other than decimal digits, before Ajv coerces it. */
function notDecimal(data: unknown, members: string[]): AjvError[] {
  if (members.length === 0 || data === null || typeof data !== 'object') return [];
  const errors: AjvError[] = [];
  for (const name of members) {
    const texts = [(data as Record<string, unknown>)[name]].flat().filter((v): v is string => typeof v === 'string');
    if (texts.some((text) => !DECIMAL_INTEGER.test(text))) {
      errors.push({ instancePath: `/${name}`, schemaPath: `#/properties/${name}/type`, keyword: 'type', params: { type: 'integer' }, message: 'must be integer, written in decimal digits' });
    }
  }
  return errors;
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

/** Wraps the coercing validator of a part read as text (query string, path, headers). */
export function textNumbers(schema: unknown, validate: ValidateFn): ValidateFn {
  const integers = integerMembers(schema);
  const wrapped: ValidateFn = (data, context) => {
    const written = notDecimal(data, integers);
    // Run even so, for the other members' errors: every mistake is told at once.
    const valid = validate(data, context);
    if (written.length > 0) {
      const others = ((validate.errors ?? []) as AjvError[]).filter((e) => !written.some((w) => e.instancePath === w.instancePath));
      wrapped.errors = [...written, ...others];
      return false;
    }
    if (!valid) {
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
