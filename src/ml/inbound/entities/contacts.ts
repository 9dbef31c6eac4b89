// E-mail addresses and phone numbers given in the message (a new contact).

const EMAIL = /[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}/g;
// Starts like a phone (+, 0 or an area code in brackets), 9 to 15 digits.
const PHONE = /(?:\+\d{1,3}[\s.-]?|\(\d{2,4}\)\s?|\b0)\d(?:[\s.-]?\d){6,13}\b/g;

export function extractEmails(text: string): string[] {
  return [...new Set((text.match(EMAIL) ?? []).map((e) => e.replace(/\.$/, '')))];
}

export function extractPhones(text: string): string[] {
  const out: string[] = [];
  for (const m of text.matchAll(PHONE)) {
    const digits = m[0].replace(/\D/g, '').length;
    if (digits >= 9 && digits <= 15) out.push(m[0].trim());
  }
  return [...new Set(out)];
}
