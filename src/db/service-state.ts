// Marks the service keeps about itself in `service_state`, one JSON object per key.
import type { Queryable } from './sql.js';

/**
 * Sets `key` to `{field: value}` unless it holds a later value already: marks
 * that only move forward (the last day planned, the start of the last
 * completed refresh), whatever order concurrent writers finish in. `type` is
 * the SQL type the values compare as; `more` is kept beside the value (what it
 * was the value of).
 */
export async function advanceServiceState(
  q: Queryable, key: string, field: string, value: string, type: 'date' | 'timestamptz', more: Record<string, string> = {},
): Promise<void> {
  await q.query(
    `INSERT INTO service_state (key, value) VALUES ($1, $4::jsonb || jsonb_build_object($2::text, $3::text))
     ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value, updated_at = now()
     WHERE (service_state.value->>($2::text))::${type} < ($3::text)::${type}`,
    [key, field, value, JSON.stringify(more)],
  );
}
