// The criteria language over HTTP: evaluate any JsonLogic rule on a record
// (or a saved-search criteria on one customer) with the reasons, and the field
// registry in the shape query-builder UIs load.
import { Type } from 'typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { errorResponses, ProblemRef } from '../schemas/common.js';
import { CriteriaError, evaluateRecord, explain } from '../../criteria/index.js';
import { CUSTOMER_FIELDS } from '../../fields/registry.js';
import { customerFactsSql } from '../../fields/facts.js';
import { validateCriteria, withProblemExtras } from '../../searches/validate.js';
import { awesomeQueryBuilderFields, reactQueryBuilderFields } from '../../searches/fields.js';
import { Criteria } from '../../searches/schemas.js';
import { loadSettings } from '../../assign/settings.js';
import { customerIdOf } from '../../assign/audit.js';
import { invalidAt } from '../../errors.js';
import { MAX_JSON_DEPTH, nestsDeeperThan } from '../../util/json-depth.js';

const ExplanationSchema = Type.Object({
  matches: Type.Boolean(),
  summary: Type.String(),
  lines: Type.Array(Type.String()),
  tree: Type.Unknown({ description: 'each clause: path, operator, outcome, field, actual, expected, text, children' }),
});

/** JsonLogic arithmetic can reach ±Infinity ("1e400"), which JSON would write as null: a wrong answer, not a result. */
function assertJsonCarries(value: unknown, path = ''): void {
  if (typeof value === 'number' && !Number.isFinite(value)) {
    throw new CriteriaError('AR_ERR_CRITERIA_EVALUATION', `the result${path ? ` at ${path}` : ''} is ${value}, which JSON cannot carry`, { jsonLogicType: 'NaN' });
  }
  if (Array.isArray(value)) value.forEach((v, i) => assertJsonCarries(v, `${path}/${i}`));
  else if (value !== null && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) assertJsonCarries(v, `${path}/${k.replaceAll('~', '~0').replaceAll('/', '~1')}`);
  }
}

const criteriaRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const { db } = app.services.storage;

  app.post('/v1/criteria/evaluate', {
    schema: {
      tags: ['criteria'],
      summary: 'Evaluate a JsonLogic rule on a record, or saved-search criteria on a customer, and say why',
      description: 'With `record` (any JSON value), `var` resolves inside that record with JsonLogic semantics ' +
        '(dot paths, defaults); prototype paths, and a record nesting deeper than 64 levels, are refused. With `customer` (an externalId), the criteria are ' +
        'validated against the customer field registry and evaluated on that customer\'s facts, as rules see them.',
      body: Type.Object({
        criteria: Criteria,
        record: Type.Optional(Type.Unknown()),
        customer: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
      }, { additionalProperties: false }),
      response: { 200: Type.Object({ result: Type.Unknown(), explanation: ExplanationSchema }), 422: ProblemRef, ...errorResponses },
    },
  }, async (request) => {
    const { criteria, record, customer } = request.body;
    if (customer !== undefined) {
      const ast = validateCriteria(criteria);
      const { id } = await customerIdOf(db, customer);
      const [facts] = await db.query<Record<string, unknown>>(customerFactsSql({ where: 'c.id = $1' }), [id]);
      const explanation = explain(ast, facts);
      return { result: explanation.matches, explanation };
    }
    // The explanation weighs and writes out what var reads, recursively: a record
    // thousands of levels deep overflowed the call stack (a 500), not the criteria.
    if (nestsDeeperThan(record, MAX_JSON_DEPTH)) throw invalidAt('body/record', `must not nest deeper than ${MAX_JSON_DEPTH} levels`);
    try {
      const evaluated = evaluateRecord(criteria, record ?? null);
      assertJsonCarries(evaluated.result);
      return evaluated;
    } catch (err) {
      throw withProblemExtras(err);
    }
  });

  app.get('/v1/criteria/fields', {
    schema: {
      tags: ['criteria'],
      summary: 'Customer fields a saved search can use, for a query-builder UI',
      description: 'format=react-querybuilder (default): a list of fields with inputType, valueEditorType, values and ' +
        'operators (each with its JsonLogic form). format=react-awesome-query-builder: config.fields keyed by name. ' +
        'Both carry type, source (column, derived, model), nullable, unit and the hysteresis margin. The text operators ' +
        '(contains, begins with, ends with: JsonLogic `in`, `startsWith`, `endsWith`) are case-sensitive, unlike the ' +
        'customer list\'s `q`.',
      querystring: Type.Object({
        format: Type.Union([Type.Literal('react-querybuilder'), Type.Literal('react-awesome-query-builder')], { default: 'react-querybuilder' }),
      }),
      response: { 200: Type.Object({ format: Type.String(), fields: Type.Unknown() }), ...errorResponses },
    },
  }, async (request) => {
    const [values] = await db.query<{ collector: string[]; dunningScenario: string[]; groups: string[] }>(
      `SELECT ARRAY(SELECT external_id FROM collectors WHERE active ORDER BY 1) AS collector,
              ARRAY(SELECT external_id FROM dunning_scenarios ORDER BY 1) AS "dunningScenario",
              ARRAY(SELECT external_id FROM customer_groups ORDER BY 1) AS groups`,
    );
    const options = { values, hysteresis: (await loadSettings(db)).hysteresis };
    const format = request.query.format;
    return {
      format,
      fields: format === 'react-awesome-query-builder'
        ? awesomeQueryBuilderFields(CUSTOMER_FIELDS, options)
        : reactQueryBuilderFields(CUSTOMER_FIELDS, options),
    };
  });
};

export default criteriaRoutes;
