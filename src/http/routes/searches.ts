// Saved searches: CRUD with a live count and sample, the whole list of what
// one selects (JSON pages, CSV, Excel), and counting criteria not yet saved
// (a query builder shows the count while the user edits).
import { Type } from 'typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Cursor, errorResponses, IdParams, ProblemRef } from '../schemas/common.js';
import { ExportFormatParam, exportContent, formatOf, sendTable } from '../table-export.js';
import { searchResults, searchResultsTable } from '../../searches/results.js';
import { todayIso } from '../../agenda/dates.js';
import { createSearch, deleteSearch, getSearch, listSearches, matchSearch, updateSearch } from '../../searches/store.js';
import { validateCriteria } from '../../searches/validate.js';
import { Criteria, SampleSize, SavedSearchSchema, SearchBody, SearchMatchesSchema, SearchResultsSchema } from '../../searches/schemas.js';
import { listRules, loadRuleSet, lockRuleSet } from '../../assign/rules.js';
import { loadSettings } from '../../assign/settings.js';
import type { Queryable } from '../../db/sql.js';
import { runAfterChange } from '../../assign/jobs.js';
import { forgetRuleMembers } from '../../assign/write.js';
import { IfMatchHeaders, ifMatchVersions, tagged } from '../if-match.js';
import { portfolioOf, readableCriteria } from '../portfolio.js';
import { exportName } from '../export-name.js';

const EDITORS = { roles: ['analyst' as const], action: 'edit saved searches' };
/** Rolls back a save found to set off a rule run that the queue was not asked about. */
class QueueNotAsked extends Error {}
const WithMatches = Type.Object({ ...SavedSearchSchema.properties, matches: Type.Optional(SearchMatchesSchema) });

const searchRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const { storage, jobs } = app.services;
  const { db } = storage;

  app.get('/v1/searches', {
    schema: { tags: ['searches'], summary: 'Saved searches', response: { 200: Type.Object({ items: Type.Array(SavedSearchSchema) }), ...errorResponses } },
  }, async () => ({ items: await listSearches(db) }));

  app.post('/v1/searches', {
    config: EDITORS,
    schema: {
      tags: ['searches'],
      summary: 'Save a search; answers with its live count and sample',
      description: 'Criteria are JsonLogic validated against GET /v1/criteria/fields. Unknown fields, unknown operators and ' +
        'prototype paths are refused with a 400 and a code (AR_ERR_CRITERIA_*) and the JSON Pointer of the node at fault; nothing is stored.',
      body: SearchBody,
      response: { 201: WithMatches, 409: ProblemRef, ...errorResponses },
    },
  }, async (request, reply) => {
    // Counted before commit: a search whose count fails is not stored.
    const saved = await db.transaction(async (tx) => {
      const search = await createSearch(tx, request.body);
      return { ...search, matches: await matchSearch(tx, validateCriteria(search.criteria), 10) };
    });
    tagged(reply, saved);
    return reply.status(201).send(saved);
  });

  app.get('/v1/searches/:id', {
    schema: {
      tags: ['searches'],
      summary: 'One saved search, with its live count and sample when asked (ETag: its version, for If-Match on changes)',
      params: IdParams,
      querystring: Type.Object({ matches: Type.Boolean({ default: false }), sample: SampleSize }),
      response: { 200: WithMatches, ...errorResponses },
    },
  }, async (request, reply) => {
    const search = tagged(reply, await getSearch(db, request.params.id));
    if (!request.query.matches) return search;
    return { ...search, matches: await matchSearch(db, readableCriteria(request, search.criteria), request.query.sample) };
  });

  app.put('/v1/searches/:id', {
    config: EDITORS,
    schema: {
      tags: ['searches'],
      summary: 'Replace a saved search (rules using it follow)',
      description: 'Refused with 409 if the new criteria would make rules feed each other in a cycle. New criteria reset hysteresis ' +
        'for the rules using the search: the next run judges every customer by them as if entering. New criteria sent while an ' +
        'assignment run applies are refused with 409 AR_ERR_RUN_APPLYING and Retry-After (nothing saved): send them again then.',
      params: IdParams,
      headers: IfMatchHeaders,
      body: SearchBody,
      response: { 200: WithMatches, 409: ProblemRef, 412: ProblemRef, 503: ProblemRef, ...errorResponses },
    },
  }, async (request, reply) => {
    // Rules using the search change with it: a queue that cannot take their run
    // refuses the change, asked before the transaction, which must not wait on Redis.
    const runsRules = async (q: Queryable, set: Awaited<ReturnType<typeof loadRuleSet>>) =>
      (await loadSettings(q)).runOnRuleChange && (await listRules(q)).some((r) => r.searchId === request.params.id && set.byId.has(r.id));
    const save = (queueAsked: boolean) => db.transaction(async (tx) => {
      // Until commit: a rule saved meanwhile is in the rule set read below.
      await lockRuleSet(tx);
      const { search: saved, criteriaChanged } = await updateSearch(tx, request.params.id, request.body, ifMatchVersions(request.headers['if-match']));
      // Loaded after the change: criteria that make rules feed each other in a cycle are refused here.
      const set = await loadRuleSet(tx);
      // Hysteresis keeps members through jitter of the data, not through an edit of who is wanted.
      if (criteriaChanged) await forgetRuleMembers(tx, (await listRules(tx)).filter((r) => r.searchId === saved.id).map((r) => r.id));
      // Counted before commit: a search whose count fails keeps its old criteria.
      const matches = await matchSearch(tx, validateCriteria(saved.criteria), 10);
      const runs = await runsRules(tx, set);
      // A rule came to use the search (or runs on rule changes were turned on)
      // since the read before the transaction: undone, and saved again once the
      // queue answers, so that an outage refuses the change as above instead of
      // committing it and recording a run that never started.
      if (runs && !queueAsked) throw new QueueNotAsked();
      return { search: { ...saved, matches }, runs };
    });
    const asked = await runsRules(db, await loadRuleSet(db));
    if (asked) await jobs.assertReachable();
    const { search, runs } = await save(asked).catch(async (err: unknown) => {
      if (!(err instanceof QueueNotAsked)) throw err;
      await jobs.assertReachable();
      return save(true);
    });
    tagged(reply, search);
    if (runs) await runAfterChange(db, jobs, `Saved search ${search.id} was saved`, { trigger: 'rule_change', requestedBy: request.actor });
    return search;
  });

  app.delete('/v1/searches/:id', {
    config: EDITORS,
    schema: {
      tags: ['searches'], summary: 'Delete a saved search no rule uses', params: IdParams, headers: IfMatchHeaders,
      response: { 204: Type.Null(), 409: ProblemRef, 412: ProblemRef, ...errorResponses },
    },
  }, async (request, reply) => {
    await deleteSearch(db, request.params.id, ifMatchVersions(request.headers['if-match']));
    return reply.status(204).send(null);
  });

  app.post('/v1/searches/:id/count', {
    schema: {
      tags: ['searches'],
      summary: 'Live count and sample of a saved search',
      params: IdParams,
      body: Type.Optional(Type.Object({ sample: SampleSize }, { additionalProperties: false })),
      response: { 200: SearchMatchesSchema, ...errorResponses },
    },
  }, async (request) => {
    const search = await getSearch(db, request.params.id);
    return matchSearch(db, readableCriteria(request, search.criteria), request.body?.sample ?? 10);
  });

  app.get('/v1/searches/:id/customers', {
    schema: {
      tags: ['searches'],
      summary: 'Every customer a saved search selects now, with the fields its criteria read; as a CSV file or an Excel workbook too',
      description: 'Ordered by customer; each item has externalId, name, segment, collector, balanceCurrency, openAmount, overdueAmount, ' +
        'then every field the criteria read (model outputs included), as the rules would see them now. count is the whole list\'s.',
      params: IdParams,
      querystring: Type.Object({
        limit: Type.Integer({ minimum: 1, maximum: 500, default: 50, description: 'Customers per JSON page; the files have them all' }),
        after: Cursor(),
        format: ExportFormatParam('csv: every customer of the list, one line each, a list field\'s values joined with "; "; xlsx: the same rows as an Excel workbook'),
      }, { additionalProperties: false }),
      response: { 200: { description: 'The list', content: exportContent(SearchResultsSchema, 'externalId,name,segment,collector,balanceCurrency,openAmount,overdueAmount,<criteria fields>') }, ...errorResponses },
    },
  }, async (request, reply) => {
    const search = await getSearch(db, request.params.id);
    const ast = readableCriteria(request, search.criteria);
    const { limit, after, format } = request.query;
    const chosen = formatOf(request, reply, format);
    if (chosen !== 'json') return sendTable(reply, chosen, exportName(`search-${search.id}`, { collector: portfolioOf(request) }, todayIso()), 'customers', await searchResultsTable(db, ast));
    return { search: { id: search.id, name: search.name, version: search.version }, ...(await searchResults(db, ast, { limit, after })) };
  });

  app.post('/v1/searches/count', {
    schema: {
      tags: ['searches'],
      summary: 'Live count and sample of criteria not saved yet',
      body: Type.Object({ criteria: Criteria, sample: SampleSize }, { additionalProperties: false }),
      response: { 200: SearchMatchesSchema, ...errorResponses },
    },
  }, async (request) => matchSearch(db, readableCriteria(request, request.body.criteria), request.body.sample));
};

export default searchRoutes;
