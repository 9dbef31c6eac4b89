// Limits of what the service stores, shared by the import coercion and the
// HTTP schemas so that a value either side accepts fits the database.

/** PostgreSQL int4: ids, counts and cursors. */
export const INT4_MIN = -2147483648;
export const INT4_MAX = 2147483647;

/**
 * Amounts are DECIMAL(18,4) in the database, but they are numbers in JavaScript:
 * past 2^53 cents (about 9 × 10^13) a cent is lost on the way. 10^13 keeps every
 * cent exact, with room for ten-trillion invoices; the third and fourth
 * decimals (dinars, the UF) are exact below 9 × 10^11.
 */
export const MONEY_LIMIT = 1e13;

// Dates outside these years are typos (0001-01-01, 2026 typed 20266) that
// would skew every days-late figure; PostgreSQL refuses year 0, and JavaScript
// reads years 0-99 as 1900-1999. They bound what is imported or asked, not
// what is forecast: LAST_FORECAST_DAY bounds that.
export const MIN_YEAR = 1900;
export const MAX_YEAR = 2199;

/**
 * The last day a forecast names: the same dates sent back (a promise, an
 * import) must be taken, so a payment forecast past it says this day instead.
 */
export const LAST_FORECAST_DAY = `${MAX_YEAR}-12-31`;

/** PostgreSQL's timestamptz accepts UTC offsets up to 15:59. */
export const MAX_OFFSET_HOURS = 15;
