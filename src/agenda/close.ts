// A person closes an action: done, or cancelled as not relevant. done_at
// records when, for both: it starts the waiting time before a recurring
// follow-up comes back, and a closed scenario step counts as handled.
import type { Db } from '../db/sql.js';
import { AR_ERR } from '../errors.js';

export type Closing = 'done' | 'cancelled';

export interface ClosedAction {
  id: number;
  status: Closing;
  doneAt: string;
}

export async function collectorIdOf(db: Db, externalId: string): Promise<number> {
  const [row] = await db.query<{ id: number }>('SELECT id FROM collectors WHERE external_id = $1', [externalId]);
  if (!row) throw AR_ERR.NOT_FOUND(['Collector', externalId]);
  return row.id;
}

/**
 * Closes a planned action. `asCollector` (an internal collector id) limits
 * the caller to the actions assigned to that collector.
 */
export async function closeAction(db: Db, id: number, status: Closing, asCollector?: number): Promise<ClosedAction> {
  const [action] = await db.query<{ status: string; collectorId: number | null }>(
    'SELECT status, collector_id AS "collectorId" FROM actions WHERE id = $1',
    [id],
  );
  if (!action) throw AR_ERR.NOT_FOUND(['Action', String(id)]);
  if (asCollector !== undefined && action.collectorId !== asCollector) {
    throw AR_ERR.FORBIDDEN(['collector', `close action ${id}: it is assigned to another collector`]);
  }
  const [closed] = await db.query<{ id: number; status: Closing; doneAt: Date | string }>(
    `UPDATE actions SET status = $2, done_at = now() WHERE id = $1 AND status = 'planned'
     RETURNING id, status, done_at AS "doneAt"`,
    [id, status],
  );
  if (!closed) throw AR_ERR.CONFLICT([`Action ${id} is already ${action.status === 'planned' ? 'closed' : action.status}`]);
  return { id: closed.id, status: closed.status, doneAt: new Date(closed.doneAt).toISOString() };
}
