// Bodies are read as UTF-8 bytes as sent: another charset, or a compressed body,
// would otherwise be decoded into garbage (or U+FFFD) rather than refused.
import { AR_ERR } from '../errors.js';

/** Throws 415 for a charset other than UTF-8 (or its ASCII subset) and for any Content-Encoding; `what` names the body. */
export function refuseUnreadableEncoding(what: string, contentType: string | undefined, contentEncoding: string | undefined): void {
  const charset = /;\s*charset\s*=\s*"?([^";\s]*)/i.exec(contentType ?? '')?.[1]?.toLowerCase();
  if (charset !== undefined && !['utf-8', 'utf8', 'us-ascii'].includes(charset)) {
    throw AR_ERR.UNSUPPORTED_MEDIA_TYPE([`${what} as UTF-8 text: charset=${charset} is not read`]);
  }
  const encoding = contentEncoding?.trim().toLowerCase();
  if (encoding && encoding !== 'identity') {
    throw AR_ERR.UNSUPPORTED_MEDIA_TYPE([`${what} uncompressed: Content-Encoding ${encoding} is not read`]);
  }
}
