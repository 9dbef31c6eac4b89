// Who an audited write names: the auth plugin alone, on a bare Fastify.
import Fastify from 'fastify';
import { describe, it, expect } from 'vitest';
import authPlugin from '../../src/http/plugins/auth.js';
import { parseApiKeys } from '../../src/config.js';
import { bearer, fingerprint } from '../helpers/app.js';

async function appWith(spec: string) {
  const app = Fastify({ logger: false });
  await app.register(authPlugin, { keys: parseApiKeys(spec) });
  app.get('/who', async (request) => ({ actor: request.actor }));
  app.get('/health', { config: { public: true } }, async (request) => ({ actor: request.actor }));
  return app;
}

const actorOf = async (app: Awaited<ReturnType<typeof appWith>>, headers: Record<string, string> = {}, url = '/who') =>
  (await app.inject({ method: 'GET', url, headers })).json().actor as string | null;

describe('when a key calls', () => {
  it('names the role and the key\'s fingerprint, never the key, and tells two analysts\' keys apart', async () => {
    const app = await appWith('alice-secret-key:analyst,bob-secret-key:analyst');
    const alice = await actorOf(app, bearer('alice-secret-key'));
    expect(alice).toBe(`analyst#${fingerprint('alice-secret-key')}`);
    expect(await actorOf(app, bearer('bob-secret-key'))).toBe(`analyst#${fingerprint('bob-secret-key')}`);
    expect(alice).not.toContain('alice');
    await app.close();
  });

  it('names the collector a collector key is bound to', async () => {
    const app = await appWith('col-key:collector@COL-01,plain:collector');
    expect(await actorOf(app, bearer('col-key'))).toBe(`collector@COL-01#${fingerprint('col-key')}`);
    expect(await actorOf(app, bearer('plain'))).toBe(`collector#${fingerprint('plain')}`);
    await app.close();
  });
});

describe('when authentication is off (no API_KEYS)', () => {
  it('names the caller as the admin every caller then is, with no key', async () => {
    const app = await appWith('');
    expect(await actorOf(app)).toBe('admin (no key)');
    await app.close();
  });
});

describe('when a route is public', () => {
  it('names nobody, whatever key is sent', async () => {
    const app = await appWith('k:analyst');
    expect(await actorOf(app, bearer('k'), '/health')).toBeNull();
    await app.close();
  });
});
