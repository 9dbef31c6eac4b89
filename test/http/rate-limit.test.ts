// The rate limit runs before authentication: a caller guessing keys was
// answered 401 by the auth hook before the limit's route hook ever counted
// it, so it could guess for ever at full speed.
import { describe, it, expect, afterEach } from 'vitest';
import type { InjectOptions } from 'fastify';
import { auth, bearer, buildTestApp, type TestApp } from '../helpers/app.js';

const statuses = async (t: TestApp, n: number, request: InjectOptions) => {
  const codes: number[] = [];
  for (let i = 0; i < n; i++) codes.push((await t.app.inject(request)).statusCode);
  return codes;
};

describe('when a caller sends keys the service does not know', () => {
  let t: TestApp | undefined;
  afterEach(async () => {
    await t?.close();
    t = undefined;
  });

  it('answers 429 with Retry-After once its address has used its budget', async () => {
    t = await buildTestApp('pglite', { RATE_LIMIT_PER_MINUTE: '3' });
    expect(await statuses(t, 3, { url: '/v1/customers', headers: bearer('guess-1') })).toEqual([401, 401, 401]);
    const res = await t.app.inject({ url: '/v1/customers', headers: bearer('guess-2') });
    expect(res.statusCode).toBe(429);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(res.json()).toMatchObject({ status: 429, code: 'AR_ERR_RATE_LIMITED' });
    expect(Number(res.headers['retry-after'])).toBeGreaterThan(0);
  });

  it('counts requests with no key against the same address', async () => {
    t = await buildTestApp('pglite', { RATE_LIMIT_PER_MINUTE: '3' });
    await statuses(t, 2, { url: '/v1/customers', headers: bearer('guess') });
    expect(await statuses(t, 2, { url: '/v1/customers' })).toEqual([401, 429]);
  });

  it('still serves a known key from the same address, on its own budget', async () => {
    t = await buildTestApp('pglite', { RATE_LIMIT_PER_MINUTE: '3' });
    await statuses(t, 5, { url: '/v1/customers', headers: bearer('guess') });
    expect(await statuses(t, 4, { url: '/v1/customers', headers: auth('analyst') })).toEqual([200, 200, 200, 429]);
  });

  it('leaves the health checks and the metrics unthrottled', async () => {
    t = await buildTestApp('pglite', { RATE_LIMIT_PER_MINUTE: '3' });
    await statuses(t, 5, { url: '/v1/customers', headers: bearer('guess') });
    expect(await statuses(t, 2, { url: '/health/live' })).toEqual([200, 200]);
    expect(await statuses(t, 2, { url: '/health/ready' })).toEqual([200, 200]);
    expect(await statuses(t, 5, { url: '/metrics' })).toEqual([200, 200, 200, 200, 200]);
  });
});
