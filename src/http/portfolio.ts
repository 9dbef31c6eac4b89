// Which customers a caller reads. A key bound to a collector reads that
// collector's portfolio only, on customer reads as on its agenda, reports and
// emails: the list of every customer's balances would give away what the
// reports refuse it. A key bound to none, and every other role, reads all, as
// docs/api.md says of collectors' keys.
import type { FastifyRequest } from 'fastify';
import type { Db } from '../db/sql.js';
import { AR_ERR } from '../errors.js';
import { inPortfolio } from '../customers/queries.js';
import { collectorScope } from './request-scope.js';
import type { CriteriaAst } from '../criteria/index.js';
import { validateCriteria } from '../searches/validate.js';

/**
 * The collector whose customers the request may read: the bound collector for
 * such a key (another one asked for is a 403, as for reports), else the one
 * asked for, or null for all.
 */
export function portfolioOf(request: FastifyRequest, asked?: string): string | null {
  if (request.role !== 'collector' || !request.collectorExternalId) return asked ?? null;
  return collectorScope(request, asked, 'read customers').collector;
}

/** For routes that read a customer through another module: its 404, as an unknown one's, when the key may not read it. */
export async function refuseOutsidePortfolio(db: Db, request: FastifyRequest, externalId: string): Promise<void> {
  const portfolio = portfolioOf(request);
  if (portfolio !== null && !(await inPortfolio(db, externalId, portfolio))) throw AR_ERR.NOT_FOUND(['Customer', externalId]);
}

/**
 * A saved search's criteria as the caller may read them: within a bound
 * collector key's portfolio, so its count, sample and list hold its own
 * customers only (the list shows balances the reports refuse it).
 */
export function readableCriteria(request: FastifyRequest, criteria: unknown): CriteriaAst {
  const ast = validateCriteria(criteria);
  const portfolio = portfolioOf(request);
  // Checked alone first: a fault's JSON Pointer is the caller's criteria's, not the wrapped ones'.
  return portfolio === null ? ast : validateCriteria({ and: [criteria, { '==': [{ var: 'collector' }, portfolio] }] });
}
