// Amounts are stored with four decimals, every currency's minor unit included
// (dinars have three): a report that rounded to cents would lose a KWD
// thousandth in every sum it writes.

/** An amount as stored: four decimals. */
export const roundMoney = (x: number): number => Math.round(x * 10_000) / 10_000;
