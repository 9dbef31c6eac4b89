// Entity tags of versioned resources (saved searches, rules) and the If-Match
// precondition on their changes (RFC 9110 §8.8.3, §13.1.1): a client that
// sends the tag it read gets a 412 instead of overwriting a change saved since.
import { Type } from 'typebox';
import type { FastifyReply } from 'fastify';
import type { ExpectedVersions } from '../db/versioned.js';
import { wordedPattern } from './schemas/common.js';

/** A strong tag: the stored version, which every save moves on. */
export const versionTag = (version: number): string => `"${version}"`;

/** Sets the ETag of what the answer holds; returns it for chaining. */
export function tagged<T extends { version: number }>(reply: FastifyReply, resource: T): T {
  reply.header('etag', versionTag(resource.version));
  return resource;
}

/**
 * The versions If-Match names; null when it is absent, 'any' for "*".
 * Compared strongly, as the RFC requires: a weak tag, or one we never issued,
 * names no version, so the change is refused.
 */
export function ifMatchVersions(header: string | undefined): ExpectedVersions {
  if (header === undefined) return null;
  if (header.trim() === '*') return 'any';
  return header
    .split(',')
    .map((tag) => /^\s*"(\d{1,9})"\s*$/.exec(tag)?.[1])
    .filter((v): v is string => v !== undefined)
    .map(Number);
}

// RFC 9110 §8.8.3: an entity tag is quoted, optionally weak (W/"3"); If-Match
// lists them, or is "*". A version sent bare (3) is no tag: read as naming no
// version, it answered 412 "changed since it was read" however often the
// client read the resource again, so it is refused as malformed instead.
const ENTITY_TAG = '(W/)?"[^"\\x00-\\x20\\x7f]*"';
const IF_MATCH_PATTERN = wordedPattern(
  `^\\s*(\\*|${ENTITY_TAG}(\\s*,\\s*${ENTITY_TAG})*)\\s*$`,
  'must name the version as the ETag gives it, in double quotes ("3"), several separated by commas, or *',
);

export const IfMatchHeaders = Type.Object({
  'if-match': Type.Optional(Type.String({
    maxLength: 1000,
    pattern: IF_MATCH_PATTERN,
    description: 'The ETag read with the resource: the change is refused with 412 AR_ERR_STALE_VERSION if it was saved since. Without it, the last change wins',
  })),
});
