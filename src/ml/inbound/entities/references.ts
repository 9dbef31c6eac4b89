// Invoice and purchase-order numbers. A reference is only taken where the
// writer names it ("facture n° …", "PO …") or where its shape leaves no doubt
// ("INV-20931"), so amounts, dates and phone numbers are not mistaken for one.

const ID = String.raw`[A-Za-z]{0,4}[-_/]?\d[\dA-Za-z]*(?:[-_/][\dA-Za-z]+)*`;
// A hyphen separates two references only with spaces around it: "2024-6808" is one.
const LIST_SEPARATOR = String.raw`(?:\s*(?:,|;|&|\bet\b|\band\b|\bto\b|\bau\b|\bà\b)\s*|\s+-\s+)`;

// A keyword ends where a word does (or at its abbreviating dot): in INV-12345 or
// FACT2291, INV and FACT are the reference's own prefix, and the list read
// "-12345" after them as a second reference.
const INVOICE_KEYWORD = String.raw`\b(?:factures?|fact\.?|invoices?|inv\.?|avoirs?|credit notes?)(?:(?<=\.)|(?![\w/-]))`;
const NUMBER_WORD = String.raw`(?:\s*(?:n°|n º|no\.?|nº|num(?:éro|ero)?\.?|number|nr\.?|#|:)\s*)?`;
const INVOICE_LIST = new RegExp(`${INVOICE_KEYWORD}${NUMBER_WORD}\\s*((?:${ID})(?:${LIST_SEPARATOR}(?:${ID}))*)`, 'gi');
const INVOICE_SHAPE = /\b(?:INV|FA|FAC|FACT|FC|F)[-_ ]?\d{3,}(?:[-_/]\d+)*\b/gi;

const PO_KEYWORD = String.raw`\b(?:bons? de commande|(?:num(?:é|e)ro|n°|r(?:é|e)f(?:(?:é|e)rence)?\.?) de (?:commande|bc|po)|commande|purchase orders?|order (?:number|ref(?:erence)?)|p\.?o\.?|bc)`;
const PO_LIST = new RegExp(`${PO_KEYWORD}${NUMBER_WORD}\\s*(${ID})`, 'gi');
const PO_SHAPE = /\b(?:PO|BC)[-#]?\d{4,}\b/gi;

function looksLikeReference(id: string): boolean {
  const digits = id.replace(/\D/g, '').length;
  if (digits < 3) return false;
  // Dates and times are not references.
  if (/^\d{1,2}[/.-]\d{1,2}([/.-]\d{2,4})?$/.test(id) || /^\d{4}-\d{2}-\d{2}$/.test(id)) return false;
  // A bare year ("factures de 2024") is not a reference either.
  if (/^(19|20)\d\d$/.test(id)) return false;
  return true;
}

function clean(id: string): string {
  return id.replace(/[.,;:]+$/, '');
}

function splitList(list: string): string[] {
  return list.split(new RegExp(LIST_SEPARATOR, 'i')).map((s) => s.trim()).filter(Boolean);
}

function unique(values: string[]): string[] {
  const seen = new Set<string>();
  return values.filter((v) => {
    const key = v.toUpperCase();
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

export function extractPoNumbers(text: string): string[] {
  const found: string[] = [];
  for (const m of text.matchAll(PO_LIST)) if (looksLikeReference(m[1]) && /\d{4,}/.test(m[1])) found.push(clean(m[1]));
  for (const m of text.matchAll(PO_SHAPE)) found.push(clean(m[0]));
  return unique(found);
}

export function extractInvoiceNumbers(text: string, poNumbers: string[] = []): string[] {
  const found: string[] = [];
  for (const m of text.matchAll(INVOICE_LIST)) {
    for (const id of splitList(m[1])) if (looksLikeReference(id)) found.push(clean(id));
  }
  for (const m of text.matchAll(INVOICE_SHAPE)) found.push(clean(m[0].replace(/ /g, '')));
  const po = new Set(poNumbers.map((p) => p.toUpperCase()));
  return unique(found).filter((id) => !po.has(id.toUpperCase()));
}
