// Stability settings of Search & Assign, one row: the dwell time per kind of
// assignment, hysteresis margins per numeric field (on top of the registry's
// defaults for model outputs), and whether a rule change triggers a run.
import { AR_ERR } from '../errors.js';
import type { Queryable } from '../db/sql.js';
import { missedVersion, type ExpectedVersions } from '../db/versioned.js';
import { CUSTOMER_FIELDS } from '../fields/registry.js';
import { HYSTERESIS_MARGINS } from '../fields/hysteresis.js';
import { DEFAULT_DWELL_DAYS, DWELL_KINDS, type DwellKind } from './targets.js';

export interface AssignSettings {
  dwellDays: Record<DwellKind, number>;
  hysteresis: Record<string, number>;
  runOnRuleChange: boolean;
}

export interface SettingsPatch {
  dwellDays?: Partial<Record<string, number>>;
  hysteresis?: Record<string, number | null>;
  runOnRuleChange?: boolean;
}

export interface VersionedSettings {
  settings: AssignSettings;
  /** Moved on by every save; 0 while none was saved (the defaults). */
  version: number;
}

interface Row {
  dwell_days: Record<string, number>;
  hysteresis: Record<string, number>;
  run_on_rule_change: boolean;
  version: number;
}

const SELECT_ROW = 'SELECT dwell_days, hysteresis, run_on_rule_change, version FROM assignment_settings WHERE id = 1';

function effective(row: Row | undefined): AssignSettings {
  return {
    dwellDays: { ...DEFAULT_DWELL_DAYS, ...(row?.dwell_days ?? {}) },
    hysteresis: { ...HYSTERESIS_MARGINS, ...(row?.hysteresis ?? {}) },
    runOnRuleChange: row?.run_on_rule_change ?? false,
  };
}

export async function readSettings(q: Queryable): Promise<VersionedSettings> {
  const [row] = await q.query<Row>(SELECT_ROW);
  return { settings: effective(row), version: row?.version ?? 0 };
}

export async function loadSettings(q: Queryable): Promise<AssignSettings> {
  return (await readSettings(q)).settings;
}

function checkPatch(patch: SettingsPatch): void {
  for (const [kind, days] of Object.entries(patch.dwellDays ?? {})) {
    if (!DWELL_KINDS.includes(kind as DwellKind)) {
      throw AR_ERR.VALIDATION([`dwellDays.${kind} is not a kind of assignment; use ${DWELL_KINDS.join(', ')}`]);
    }
    if (typeof days !== 'number' || !(days >= 0 && days <= 3650)) throw AR_ERR.VALIDATION([`dwellDays.${kind} must be 0 to 3650 days`]);
  }
  for (const [field, margin] of Object.entries(patch.hysteresis ?? {})) {
    if (CUSTOMER_FIELDS.get(field)?.type !== 'number') {
      throw AR_ERR.VALIDATION([`hysteresis.${field}: margins apply to numeric customer fields only`]);
    }
    if (margin !== null && !(typeof margin === 'number' && margin >= 0 && Number.isFinite(margin))) {
      throw AR_ERR.VALIDATION([`hysteresis.${field} must be a margin >= 0, or null to restore the default`]);
    }
  }
}

/**
 * Merges a patch into the stored settings; a null margin restores the default.
 * `expected` (If-Match) names the versions the patch was made on.
 */
export async function saveSettings(q: Queryable, patch: SettingsPatch, expected: ExpectedVersions = null): Promise<VersionedSettings> {
  checkPatch(patch);
  for (;;) {
    const [row] = await q.query<Row>(SELECT_ROW);
    const version = row?.version ?? 0;
    // The defaults stand while nothing is stored, so "*" always matches.
    if (expected !== null && expected !== 'any' && !expected.includes(version)) {
      throw missedVersion('The assignment settings', 'resource', version, expected);
    }
    const dwell = { ...(row?.dwell_days ?? {}), ...patch.dwellDays };
    const hysteresis: Record<string, number> = { ...(row?.hysteresis ?? {}) };
    for (const [field, margin] of Object.entries(patch.hysteresis ?? {})) {
      if (margin === null) delete hysteresis[field];
      else hysteresis[field] = margin;
    }
    const runOnRuleChange = patch.runOnRuleChange ?? row?.run_on_rule_change ?? false;
    // Written only over the version merged: a save in between is read and
    // merged with (or judged by If-Match), not overwritten with what it replaced.
    const [saved] = await q.query<Row>(
      `INSERT INTO assignment_settings (id, dwell_days, hysteresis, run_on_rule_change, updated_at)
       VALUES (1, $1::jsonb, $2::jsonb, $3, now())
       ON CONFLICT (id) DO UPDATE SET dwell_days = EXCLUDED.dwell_days, hysteresis = EXCLUDED.hysteresis,
         run_on_rule_change = EXCLUDED.run_on_rule_change, version = assignment_settings.version + 1, updated_at = now()
       WHERE assignment_settings.version = $4
       RETURNING dwell_days, hysteresis, run_on_rule_change, version`,
      [JSON.stringify(dwell), JSON.stringify(hysteresis), runOnRuleChange, version],
    );
    if (saved) return { settings: effective(saved), version: saved.version };
  }
}
