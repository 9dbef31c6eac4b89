import { describe, it, expect } from 'vitest';
import { loadConfig } from '../src/config.js';

describe('when DEMO_CUSTOMERS is set', () => {
  it('takes a whole number, and the default when absent or blank', () => {
    expect(loadConfig({ DEMO_CUSTOMERS: '60' }).demoCustomers).toBe(60);
    expect(loadConfig({}).demoCustomers).toBe(2000);
    expect(loadConfig({ DEMO_CUSTOMERS: '' }).demoCustomers).toBe(2000);
  });

  it.each(['abc', '12.5', '0', '-3'])('stops the start on "%s", naming the variable and the value', (value) => {
    expect(() => loadConfig({ DEMO_CUSTOMERS: value })).toThrow(`DEMO_CUSTOMERS: "${value}" is not a whole number of at least 1`);
  });
});
