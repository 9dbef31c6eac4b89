import { describe, expect, it } from 'vitest';
import { repeatedKey } from '../../src/util/json-keys.js';

const check = (text: string) => repeatedKey(text, JSON.parse(text));

describe('repeatedKey', () => {
  it('finds a key repeated in the outermost object', () => {
    expect(check('{"a":1,"b":2,"a":3}')).toEqual({ key: 'a', topLevel: true });
  });

  it('finds a key repeated in an object nested in arrays and objects', () => {
    expect(check('{"steps":[{"dayOffset":5,"channel":"email"},{"dayOffset":5,"dayOffset" :15}]}')).toEqual({ key: 'dayOffset', topLevel: false });
    expect(check('[{"x":{"y":1,"y":2}}]')).toEqual({ key: 'y', topLevel: false });
  });

  it('does not confuse one key in sibling or nested objects with a repeat', () => {
    expect(check('{"a":{"a":1},"b":[{"a":2},{"a":3}],"c":{"d":{"a":4}}}')).toBeNull();
  });

  it('does not take strings that look like keys for keys', () => {
    expect(check('{"note":"say \\"a\\": 1, \\"a\\": 2","list":["a",":"],"k\\"ey":{"a":1}}')).toBeNull();
  });

  it('reads escaped keys as JSON does', () => {
    expect(check('{"\\u0061":1,"a":2}')).toEqual({ key: 'a', topLevel: true });
  });
});
