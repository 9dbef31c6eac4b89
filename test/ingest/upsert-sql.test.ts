import { describe, expect, it } from 'vitest';
import { ENTITIES } from '../../src/ingest/entities.js';
import { upsertSql } from '../../src/ingest/load.js';

describe('the upsert of every entity', () => {
  it.each(ENTITIES.map((e) => [e.name, e] as const))('matches keys of %s on values it inserts', (_name, entity) => {
    for (const present of [new Set(entity.fields.map((f) => f.name)), new Set(entity.fields.filter((f) => f.required).map((f) => f.name))]) {
      const sql = upsertSql(entity, present);
      expect(`${sql.lock ?? ''} ${sql.existing ?? ''} ${sql.fresh}`).not.toMatch(/undefined/);
      expect(sql.lock !== null).toBe(entity.lockInIdOrder === true && sql.updates);
      expect(sql.fresh).toMatch(/WHERE NOT EXISTS/);
      expect(/ORDER BY .* ON CONFLICT \(.*\) DO NOTHING/.test(sql.fresh)).toBe(entity.addsInKeyOrder === true);
      expect(entity.addsInKeyOrder === true && sql.updates).toBe(false);
      expect(sql.existing === null).toBe(!sql.updates);
    }
  });
});
