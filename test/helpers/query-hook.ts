// A database whose first statement matching `matches` waits for `meanwhile`
// first: a test puts another session's write exactly between two statements
// of the code under test (a delete between planning and storing, a new plan
// stored while one is read).
import type { Db } from '../../src/db/sql.js';

export function beforeFirstQuery(db: Db, matches: (text: string) => boolean, meanwhile: () => Promise<unknown>): Db {
  let ran = false;
  return new Proxy(db, {
    get(target, prop) {
      if (prop === 'query') {
        return async (text: string, params?: unknown[]) => {
          if (!ran && matches(text)) {
            ran = true;
            await meanwhile();
          }
          return target.query(text, params);
        };
      }
      const value: unknown = Reflect.get(target, prop);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
}
