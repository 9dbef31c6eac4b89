// API keys with roles. Keys are kept only as SHA-256 digests and compared in
// constant time against every known digest, so neither timing nor a memory
// dump gives a key away. Routes say who may call them with `config.roles`;
// admin may call everything. Audited writes record `request.actor`: the role
// and a fingerprint of the key, so that of several analysts' keys the one
// that acted is known, while the key itself is never stored.
import crypto from 'node:crypto';
import fp from 'fastify-plugin';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { AR_ERR } from '../../errors.js';
import type { ApiKey, Role } from '../../config.js';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** Roles allowed on this route; absent = any authenticated caller. */
    roles?: Role[];
    /** No key needed (health, metrics, docs). */
    public?: boolean;
    /** What the route does, for the 403 message: "retrain models". */
    action?: string;
  }
  interface FastifyRequest {
    role: Role | null;
    /** externalId of the collector a collector API key is bound to. */
    collectorExternalId: string | null;
    /** Who acted, for audit trails: `analyst#1a2b3c4d`, `collector@COL-01#…` (see actorOf); null on public routes. */
    actor: string | null;
  }
}

// One-shot hashing: a Hash object per request costs several times the digest itself.
export const digest = (key: string): Buffer => crypto.hash('sha256', key, 'buffer');

/** What the service knows of a key: its role, its collector, and the fingerprint that names it in audit trails. */
export interface KnownKey extends ApiKey {
  fingerprint: string;
}

/**
 * The first 8 hex digits of the key's SHA-256: enough to tell a team's keys
 * apart and to match a trail to the key an administrator holds. 32 bits of a
 * digest give nothing back of a random key; a guessable one is no safer for
 * its digest being cut.
 */
export const fingerprintOf = (hash: Buffer): string => hash.toString('hex', 0, 4);

/** The actor an audited write records: the role (with its collector) and the key's fingerprint. */
export const actorOf = (key: KnownKey): string =>
  `${key.role}${key.collectorExternalId ? `@${key.collectorExternalId}` : ''}#${key.fingerprint}`;

/** Every caller is admin when no key is configured: the trail says no key named it. */
export const OPEN_ACTOR = 'admin (no key)';

export function makeKeyCheck(keys: Map<string, ApiKey>) {
  const entries = [...keys].map(([key, info]) => {
    const hash = digest(key);
    return { hash, known: { ...info, fingerprint: fingerprintOf(hash) } };
  });
  return (presented: string): KnownKey | null => {
    const h = digest(presented);
    let found: KnownKey | null = null;
    for (const e of entries) {
      if (crypto.timingSafeEqual(h, e.hash)) found = e.known;
    }
    return found;
  };
}

function bearer(request: FastifyRequest): string | null {
  const header = request.headers.authorization;
  if (!header) return null;
  const m = /^Bearer\s+(.+)$/i.exec(header);
  return m ? m[1].trim() : null;
}

/**
 * The rate limit's bucket: a known key's fingerprint however the header spells
 * it (`bearer`, spaces), so that a key written another way gets no budget of
 * its own; else the caller's address (authentication off, no key, or a key it
 * does not know). The limit runs before this plugin's hook, so failed
 * authentications are counted, against the address: guessing from one address
 * cannot spend a real key's budget, nor a real key's traffic the guesser's.
 */
export function rateLimitKey(keys: Map<string, ApiKey>): (request: FastifyRequest) => string {
  const check = makeKeyCheck(keys);
  return (request) => {
    const key = bearer(request);
    const found = key ? check(key) : null;
    return found ? `key#${found.fingerprint}` : `ip:${request.ip}`;
  };
}

/** Sets the caller's role and actor, or throws why it may not call this route. */
function authenticate(request: FastifyRequest, check: (presented: string) => KnownKey | null, open: boolean): void {
  const config = request.routeOptions.config;
  if (config?.public) return;
  if (open) {
    request.role = 'admin';
    request.actor = OPEN_ACTOR;
    return;
  }
  const key = bearer(request);
  const found = key ? check(key) : null;
  if (!found) throw AR_ERR.UNAUTHENTICATED();
  const role = found.role;
  request.role = role;
  request.collectorExternalId = found.collectorExternalId;
  request.actor = actorOf(found);
  const allowed = config?.roles;
  if (allowed && role !== 'admin' && !allowed.includes(role)) {
    throw AR_ERR.FORBIDDEN([role, config?.action ?? `call ${request.method} ${request.routeOptions.url}`]);
  }
}

async function authPlugin(app: FastifyInstance, opts: { keys: Map<string, ApiKey> }) {
  const check = makeKeyCheck(opts.keys);
  const open = opts.keys.size === 0;
  if (open) app.log.warn('API_KEYS is empty: authentication is OFF and every caller is admin. Set API_KEYS in production.');
  app.decorateRequest('role', null);
  app.decorateRequest('collectorExternalId', null);
  app.decorateRequest('actor', null);
  // A callback hook, not an async one: no promise per request (a throw still reaches the error handler).
  app.addHook('onRequest', (request, _reply, done) => {
    authenticate(request, check, open);
    done();
  });
}

export default fp(authPlugin, { name: 'auth' });
