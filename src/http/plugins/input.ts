// Request-wide input rules that no route schema can state.
import { isUtf8 } from 'node:buffer';
import fp from 'fastify-plugin';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { invalidAt } from '../../errors.js';
import { findUnstorable, UNSTORABLE_REASON, type Unstorable } from '../../util/nul.js';
import { namedTwice, repeatedKey } from '../../util/json-keys.js';
import { refuseUnreadableEncoding } from '../body-encoding.js';

// PostgreSQL text and jsonb cannot hold U+0000, nor jsonb a lone surrogate
// (text would keep U+FFFD instead): refused here, before any query sees them.
const UNSTORABLE: Record<Unstorable, string> = { ...UNSTORABLE_REASON, nul: `${UNSTORABLE_REASON.nul} (\\u0000)` };

function refuseUnstorable(request: FastifyRequest): void {
  for (const part of ['params', 'querystring', 'body'] as const) {
    const found = findUnstorable(part === 'querystring' ? request.query : request[part]);
    if (found !== null) {
      throw invalidAt(`${part}${found.path}`, UNSTORABLE[found.problem]);
    }
  }
}

const decoded = (part: string): string | null => {
  try {
    return decodeURIComponent(part.replace(/\+/g, ' '));
  } catch {
    return null;
  }
};

/**
 * The first parameter of a query string whose name or value is not
 * percent-encoded UTF-8, as it would be named (its name decoded, or as sent),
 * or null. The parser keeps such a part as sent: `?q=soci%E9t%E9` (é in
 * Latin-1) searched for the text "soci%E9t%E9" and found nothing.
 */
export function undecodableQueryParameter(query: string): string | null {
  for (const pair of query.split('&')) {
    const eq = pair.indexOf('=');
    const name = eq < 0 ? pair : pair.slice(0, eq);
    if (decoded(name) === null || (eq >= 0 && decoded(pair.slice(eq + 1)) === null)) return decoded(name) ?? name;
  }
  return null;
}

function refuseUndecodableQuery(request: FastifyRequest): void {
  const url = request.raw.url ?? '';
  const at = url.indexOf('?');
  const name = at < 0 ? null : undecodableQueryParameter(url.slice(at + 1));
  if (name !== null) {
    throw invalidAt(`querystring/${name}`, 'is not percent-encoded UTF-8: write each byte of the UTF-8 text as %XX (é is %C3%A9), and % itself as %25');
  }
}

/** Whether `{}` is a complete body: an object schema whose required properties all have defaults. */
function emptyObjectSuffices(schema: unknown): boolean {
  const s = schema as { type?: unknown; required?: string[]; properties?: Record<string, { default?: unknown }> } | undefined;
  if (s?.type !== 'object') return false;
  return (s.required ?? []).every((name) => s.properties?.[name] !== undefined && 'default' in s.properties[name]);
}

/** Largest JSON body a route takes unless it sets its own limit: 1,000 invoices to score are about 300 kB. */
export const JSON_BODY_LIMIT_BYTES = 16 * 1024 * 1024;

/**
 * The parser refuses a "__proto__" key (and "constructor" holding "prototype"),
 * which would reach object internals, as "not valid JSON": a sender of valid
 * JSON is told which key instead. Parsed again only when the parser failed.
 */
function prototypeKeyError(text: string): Error | null {
  try {
    JSON.parse(text);
  } catch {
    return null;
  }
  return invalidAt('body', 'must not hold a "__proto__" key, nor a "constructor" key holding "prototype" (they would reach object internals)');
}

/**
 * Fastify's own JSON parser, which then refuses a key an object names twice:
 * JSON.parse would keep the last value, so `{"==": [...], "==": [...]}` in
 * saved criteria or two `collectorExternalId` in a rule would lose one silently.
 */
function replaceJsonParser(app: FastifyInstance): void {
  const parse = app.getDefaultJsonParser('error', 'error');
  app.removeContentTypeParser('application/json');
  // The service-wide limit is sized for import files, which stream through
  // their own parser; a JSON body is parsed whole on the event loop.
  const bodyLimit = Math.min(app.initialConfig.bodyLimit ?? JSON_BODY_LIMIT_BYTES, JSON_BODY_LIMIT_BYTES);
  app.addContentTypeParser('application/json', { parseAs: 'buffer', bodyLimit }, (request, bytes, done) => {
    try {
      refuseUnreadableEncoding('the body', request.headers['content-type'], request.headers['content-encoding']);
    } catch (err) {
      return done(err as Error);
    }
    // Decoding would turn a byte that is not UTF-8 into U+FFFD: an id that names nothing, stored or scored as sent.
    if (!isUtf8(bytes as Buffer)) return done(invalidAt('body', 'is not UTF-8 text: send it encoded as UTF-8'));
    const text = (bytes as Buffer).toString('utf8');
    parse(request, text, (err, value) => {
      if (err) return done(prototypeKeyError(text) ?? err);
      const repeated = repeatedKey(text, value);
      if (repeated === null) return done(null, value);
      done(invalidAt('body', namedTwice(repeated)));
    });
  });
}

async function inputPlugin(app: FastifyInstance) {
  replaceJsonParser(app);
  // Fastify's default text/plain parser handed a JSON route a string, refused
  // as "must be object" (400): the media type is what to change, so it is a
  // 415 like any other type (problem.ts). The import route reads its own types.
  app.removeContentTypeParser('text/plain');
  // preValidation: the body is parsed and the schemas have not run yet.
  app.addHook('preValidation', (request, _reply, done) => {
    try {
      refuseUndecodableQuery(request);
      refuseUnstorable(request);
    } catch (err) {
      done(err as Error);
      return;
    }
    done();
  });
  // No body where every field is optional or has a default is the same request as {}.
  app.addHook('preValidation', (request, _reply, done) => {
    if (request.body === undefined && emptyObjectSuffices(request.routeOptions.schema?.body)) request.body = {};
    done();
  });
}

export default fp(inputPlugin, { name: 'input' });
