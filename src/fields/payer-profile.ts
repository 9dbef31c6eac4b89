// The payer profile (brief 004: risky customers are found by "the risk score
// and the payment profile"): how a customer has paid over the last year, in
// one word a saved search can select on. Read from the invoices it settled in
// the last 365 days, days late counting 0 when paid early.
//
// A median, not a mean: one invoice paid 90 days late after a dispute does not
// make a punctual payer late. Irregular first: a customer paying one invoice
// on time and the next 40 days late has no usual delay to plan on, whatever
// its median says.

/** Fewer settled invoices than this in the year says nothing about habits. */
export const PAYER_PROFILE_MIN_INVOICES = 3;

/** Spread between the 1st and 3rd quartile of days late past which payments are irregular. */
export const IRREGULAR_SPREAD_DAYS = 20;

export const PAYER_PROFILES = ['on_time', 'slightly_late', 'late', 'very_late', 'irregular', 'too_few_payments'] as const;
export const TOO_FEW_PAYMENTS = 'too_few_payments';

/**
 * SQL aggregate over a customer's invoices settled in the year, `daysLate`
 * each one's days late (0 when early). On time allows 2 days: a transfer sent
 * on the due date is booked a day or two later.
 */
export const payerProfileSql = (daysLate: string) => `CASE
    WHEN count(*) < ${PAYER_PROFILE_MIN_INVOICES} THEN '${TOO_FEW_PAYMENTS}'
    WHEN percentile_cont(0.75) WITHIN GROUP (ORDER BY ${daysLate}) - percentile_cont(0.25) WITHIN GROUP (ORDER BY ${daysLate}) > ${IRREGULAR_SPREAD_DAYS} THEN 'irregular'
    WHEN percentile_cont(0.5) WITHIN GROUP (ORDER BY ${daysLate}) <= 2 THEN 'on_time'
    WHEN percentile_cont(0.5) WITHIN GROUP (ORDER BY ${daysLate}) <= 15 THEN 'slightly_late'
    WHEN percentile_cont(0.5) WITHIN GROUP (ORDER BY ${daysLate}) <= 30 THEN 'late'
    ELSE 'very_late' END`;
