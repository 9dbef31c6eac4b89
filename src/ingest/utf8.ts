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
