// What an export's file name says of the rows it holds: a file read away from
// its request (a download folder, a mail attachment) still says whose rows
// they are, and two scopes exported the same day no longer take one name, the
// second saved over the first or as "(1)". The same words in every export:
// reports, the agenda, the call list, a saved search's list.

/** A scope of customers, as the exports' requests narrow it. */
export interface NamedScope {
  collector?: string | null;
  noCollector?: boolean;
  segment?: string | null;
  noSegment?: boolean;
  group?: string | null;
  customer?: string | null;
}

/**
 * Free text (an externalId, a segment) as a file name can carry it: letters and digits of any script stay
 * ("Équipe-Île", sent as filename* by table-export.ts), anything else (a space, a slash, a quote) becomes `_`.
 */
const fileSafe = (text: string) => text.replace(/[^\p{L}\p{M}\p{N}_-]/gu, '_');

/**
 * The scope's parts of a name, in one order: the collector as it is (the first
 * exports named it so), then the others after a word saying what they are,
 * since a segment or a group may be spelt like a collector.
 */
function scopeParts(s: NamedScope): string[] {
  const parts: string[] = [];
  if (s.collector) parts.push(fileSafe(s.collector));
  if (s.noCollector) parts.push('no-collector');
  if (s.segment) parts.push(`segment-${fileSafe(s.segment)}`);
  if (s.noSegment) parts.push('no-segment');
  if (s.group) parts.push(`group-${fileSafe(s.group)}`);
  if (s.customer) parts.push(`customer-${fileSafe(s.customer)}`);
  return parts;
}

/** `<name>-<scope…>-<rest…>`, a null part left out: `aging-COL-01-USD-2026-03-31`, `agenda-no-collector-2026-12-07`. */
export const exportName = (name: string, scope: NamedScope, ...rest: (string | null)[]): string =>
  [name, ...scopeParts(scope), ...rest.filter((p): p is string => p !== null)].join('-');
