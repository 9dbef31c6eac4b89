// Codes as a collector reads them in a sentence.

/** A payment method code as words: "direct_debit" → "direct debit", "SEPA-DD" unchanged. */
export function methodWords(code: string | null): string {
  return code === null ? 'an unrecorded method' : code.replace(/_/g, ' ');
}
