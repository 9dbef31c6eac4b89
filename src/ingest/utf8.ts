// Checks that a byte stream is UTF-8 without decoding it (the CSV parser
// decodes on its own, and replaces what is not UTF-8 without a word).
// buffer.isUtf8 is native and allocates nothing; a character split across
// two chunks is carried over to the next one.
import { isUtf8 } from 'node:buffer';

export class Utf8Check {
  private carry: Uint8Array = new Uint8Array(0);

  /** False once the bytes seen so far cannot be UTF-8. */
  push(chunk: Uint8Array): boolean {
    const bytes = this.carry.length > 0 ? Buffer.concat([this.carry, chunk]) : chunk;
    const complete = completeLength(bytes);
    this.carry = bytes.slice(complete);
    return isUtf8(bytes.subarray(0, complete));
  }

  /** False when the stream ended inside a character. */
  end(): boolean {
    return this.carry.length === 0;
  }
}

/** Length of `bytes` without a last character whose continuation bytes have not arrived yet. */
function completeLength(bytes: Uint8Array): number {
  let i = bytes.length - 1;
  let continuations = 0;
  while (i >= 0 && continuations < 3 && (bytes[i] & 0xc0) === 0x80) {
    i--;
    continuations++;
  }
  if (i < 0) return bytes.length;
  const lead = bytes[i];
  const length = lead >= 0xf0 ? 4 : lead >= 0xe0 ? 3 : lead >= 0xc0 ? 2 : 1;
  return bytes.length - i < length ? i : bytes.length;
}

/**
 * Where the first byte that is not UTF-8 is in a chunk (its length when there
 * is none): the tail of a character begun in the chunk before, and one cut by
 * the chunk's end, are not this chunk's fault. Only read on the error path.
 */
export function firstInvalidOffset(bytes: Uint8Array): number {
  let i = 0;
  while (i < Math.min(3, bytes.length) && (bytes[i] & 0xc0) === 0x80) i++;
  while (i < bytes.length) {
    const c = bytes[i];
    const n = c < 0x80 ? 1 : c >= 0xc2 && c < 0xe0 ? 2 : c >= 0xe0 && c < 0xf0 ? 3 : c >= 0xf0 && c < 0xf5 ? 4 : 0;
    if (n === 0) return i;
    if (i + n > bytes.length) return bytes.length;
    if (!isUtf8(bytes.subarray(i, i + n))) return i;
    i += n;
  }
  return bytes.length;
}
