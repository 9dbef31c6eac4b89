import { describe } from 'vitest';
import { sameCustomersInMemoryAndSql } from './differential.js';
import { openPostgres } from './sql-harness.js';

describe('when random saved searches run in memory and on PostgreSQL', () => {
  sameCustomersInMemoryAndSql(openPostgres);
});
