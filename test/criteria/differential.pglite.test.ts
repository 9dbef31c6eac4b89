import { describe } from 'vitest';
import { sameCustomersInMemoryAndSql } from './differential.js';
import { openPglite } from './sql-harness.js';

describe('when random saved searches run in memory and on PGlite', () => {
  sameCustomersInMemoryAndSql(openPglite);
});
