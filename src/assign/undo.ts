// Undoing a run restores the values it replaced, unless something changed them
// since: a later run, a person or an import (the value is no longer the one
// the run set), or a person locked the field. Those are reported, never
// overwritten. The restoration is itself a run (kind undo), audited like any.
import { AR_ERR } from '../errors.js';
import type { Db } from '../db/sql.js';
import { loadCustomerStates } from './state.js';
import { currentValue } from './resolve.js';
import { lockKeysOf, sameValue, type Value } from './targets.js';
import { createRun, getRun, type RunSummary } from './runs.js';
import { lockApplies } from './apply-lock.js';
import { changeKey, recordStaged, restoreMemberships, stageChanges, writeChanges } from './write.js';
import { valueText } from './describe.js';

export interface UndoResult {
  undoRunId: number;
  restored: number;
  notRestored: { externalId: string; field: string; why: string }[];
}

interface ChangeRow {
  id: number;
  customerId: number;
  externalId: string;
  field: string;
  old: Value;
  new: Value;
  ruleId: number | null;
  ruleName: string | null;
  laterRunId: number | null;
}

// A later change undone since, and the undo's own change putting it back, cancel
// out: runs undone newest first each restore what they replaced. (An undo only
// restores a change no live one followed, so its rows after a change of this
// run put back later changes, never this one's.)
export async function undoRun(db: Db, runId: number, options: { now?: Date; requestedBy?: string | null } = {}): Promise<UndoResult> {
  const now = options.now ?? new Date();
  return db.transaction(async (tx) => {
    await lockApplies(tx);
    const run = await getRun(tx, runId);
    if (run.kind !== 'apply' || run.status !== 'applied') {
      throw AR_ERR.RUN_NOT_UNDOABLE([`run ${runId} is ${run.kind === 'undo' ? 'an undo' : run.status}; only an applied run can be undone, once`]);
    }
    const changes = await tx.query<ChangeRow>(
      `SELECT ch.id::int AS id, ch.customer_id AS "customerId", c.external_id AS "externalId", ch.field,
         ch.old_value AS old, ch.new_value AS new, ch.rule_id AS "ruleId", ch.rule_name AS "ruleName",
         (SELECT l.run_id FROM assignment_changes l JOIN assignment_runs lr ON lr.id = l.run_id
            WHERE l.customer_id = ch.customer_id AND l.field = ch.field AND l.id > ch.id
              AND l.undone_by_run_id IS NULL AND lr.kind <> 'undo' ORDER BY l.id DESC LIMIT 1) AS "laterRunId"
       FROM assignment_changes ch JOIN customers c ON c.id = ch.customer_id
       WHERE ch.run_id = $1 AND ch.undone_by_run_id IS NULL ORDER BY ch.id`,
      [runId],
    );
    const states = await loadCustomerStates(tx, { customerIds: [...new Set(changes.map((c) => c.customerId))] });
    const restore: ChangeRow[] = [];
    const notRestored: UndoResult['notRestored'] = [];
    for (const ch of changes) {
      const state = states.get(ch.customerId)!;
      const current = currentValue(state, ch.field);
      const skip = (why: string) => notRestored.push({ externalId: ch.externalId, field: ch.field, why });
      if (ch.laterRunId !== null) skip(`changed since by run ${ch.laterRunId}`);
      else if (!sameValue(current, ch.new)) skip(changedSince(ch.field, current));
      else if (lockKeysOf(ch.field).some((k) => state.locked.has(k))) skip('locked by a person since the run');
      else restore.push(ch);
    }
    const undoRunId = await createRun(tx, { trigger: 'undo', requestedBy: options.requestedBy ?? null }, 'undo');
    await stageChanges(tx, restore.map((ch) => ({
      customerId: ch.customerId, field: ch.field, old: ch.new, new: ch.old, ruleId: ch.ruleId, ruleName: ch.ruleName,
      reasons: JSON.stringify({ because: `undo of run ${runId}: back to ${valueText(ch.field, ch.old)}`, undoesChange: ch.id }),
    })));
    // Putting a customer back in a group an import put them in meanwhile: what
    // the undo would have found, had the import come first.
    const joined = new Set((await writeChanges(tx, now)).map(changeKey));
    const restored = restore.filter((ch) => !joined.has(changeKey(ch)));
    for (const ch of restore) if (joined.has(changeKey(ch))) notRestored.push({ externalId: ch.externalId, field: ch.field, why: changedSince(ch.field, true) });
    await recordStaged(tx, undoRunId, now);
    await restoreMemberships(tx, runId, now);
    await tx.query('UPDATE assignment_changes SET undone_by_run_id = $1 WHERE run_id = $2 AND id = ANY($3::bigint[])', [undoRunId, runId, restored.map((c) => c.id)]);
    const summary: RunSummary = { restored: restored.length, notRestored: notRestored.slice(0, 1000) };
    await tx.query(
      `UPDATE assignment_runs SET status = 'applied', undoes_run_id = $2, summary = $3::jsonb, started_at = $4, finished_at = clock_timestamp() WHERE id = $1`,
      [undoRunId, runId, JSON.stringify(summary), now],
    );
    await tx.query(`UPDATE assignment_runs SET status = 'undone', undone_by_run_id = $1 WHERE id = $2`, [undoRunId, runId]);
    return { undoRunId, restored: restored.length, notRestored };
  });
}

const changedSince = (field: string, now: Value) => `changed since by a person or an import (now ${valueText(field, now)})`;
