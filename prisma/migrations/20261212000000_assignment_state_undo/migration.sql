-- An undo's audit rows keep the rule of the change they take back (the rule a
-- restored membership is put back for), but that rule did not set the value
-- they restore: the state credits no rule for them, and names the run the
-- undo took back. Columns are only appended, as CREATE OR REPLACE VIEW wants.
CREATE OR REPLACE VIEW "assignment_state" AS
SELECT DISTINCT ON (ch."customer_id", ch."field")
    ch."customer_id", ch."field", ch."new_value" AS "value",
    CASE WHEN run."undoes_run_id" IS NULL THEN ch."rule_id" END AS "rule_id",
    ch."run_id", ch."created_at" AS "since", run."undoes_run_id"
FROM "assignment_changes" ch
JOIN "assignment_runs" run ON run."id" = ch."run_id"
ORDER BY ch."customer_id", ch."field", ch."id" DESC;
