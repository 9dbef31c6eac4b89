// The OpenAPI document as a client generated from it must read it: what
// @fastify/swagger derives from the route schemas says two things the service
// does not do.

// The little of OpenAPI 3 read here.
interface Parameter { in: string; required?: boolean; schema?: object }
interface MediaType { schema?: object }
interface Operation { parameters?: (Parameter | { $ref: string })[]; responses?: Record<string, { content?: Record<string, MediaType> }> }
interface Document { paths?: Record<string, Record<string, Operation | undefined> | undefined> }

const PROBLEM_REF = '#/components/schemas/Problem';
const PROBLEM_TYPE = 'application/problem+json';

const isParameter = (p: Parameter | { $ref: string }): p is Parameter => !('$ref' in p);
const hasDefault = (p: Parameter) => p.schema !== undefined && 'default' in p.schema;

/**
 * A query parameter with a default is written required in its route's schema,
 * so the handler's type has it; the service fills it in when it is left out,
 * and a generated client must not be made to send it.
 */
function optionalDefaults(op: Operation): void {
  for (const p of op.parameters ?? []) {
    if (isParameter(p) && p.in === 'query' && hasDefault(p)) p.required = false;
  }
}

const isProblem = (media: MediaType) => (media.schema as { $ref?: string } | undefined)?.$ref === PROBLEM_REF;

/**
 * Every problem is sent as application/problem+json (plugins/problem.ts), not
 * as the application/json swagger assumes, nor as the type a route produces
 * when it succeeds (an HTML report).
 */
function problemMediaType(op: Operation): void {
  for (const response of Object.values(op.responses ?? {})) {
    const content = response.content ?? {};
    const problem = Object.entries(content).find(([, media]) => isProblem(media));
    if (!problem) continue;
    for (const [type, media] of Object.entries(content)) if (isProblem(media)) delete content[type];
    content[PROBLEM_TYPE] = problem[1];
  }
}

const METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'] as const;

/** The document with those two corrected; swagger's transformObject. */
export function asServed({ openapiObject }: { openapiObject: Document }): Document {
  for (const item of Object.values(openapiObject.paths ?? {})) {
    for (const method of METHODS) {
      const op = item?.[method];
      if (!op) continue;
      optionalDefaults(op);
      problemMediaType(op);
    }
  }
  return openapiObject;
}
