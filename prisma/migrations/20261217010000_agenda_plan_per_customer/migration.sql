-- The stored plan goes stale per customer (src/agenda/stored-plan.ts): a write
-- that names its customers (one collector's closing, one email, one customer's
-- scores) records them, and the agenda plans those customers live beside the
-- stored plan of the others, instead of planning the whole portfolio live.

-- Ranked by the planner's order itself (priority score desc, due date, key in
-- code-point order) rather than an integer rank: a customer's items planned
-- live merge into a page of the others', and could replace theirs in place.
-- The old rows have no score: the next run stores them again, read live until then.
DELETE FROM "agenda_plan_items";
DELETE FROM "service_state" WHERE "key" = 'agenda-stored-plan';
ALTER TABLE "agenda_plan_items" DROP CONSTRAINT "agenda_plan_items_pkey", DROP COLUMN "rank",
  ADD COLUMN "score" DOUBLE PRECISION NOT NULL, ADD COLUMN "due_date" DATE NOT NULL,
  ADD CONSTRAINT "agenda_plan_items_pkey" PRIMARY KEY ("dedupe_key");
CREATE INDEX "agenda_plan_items_order_idx" ON "agenda_plan_items" ("score" DESC, "due_date", "dedupe_key" COLLATE "C");
CREATE INDEX "agenda_plan_items_collector_id_order_idx" ON "agenda_plan_items" ("collector_id", "score" DESC, "due_date", "dedupe_key" COLLATE "C");

-- The customers a writing transaction touched, one row per transaction and
-- customer; deleted, as agenda_data_changes, by the next plan that saw it.
CREATE TABLE "agenda_customer_changes" (
    "xid" BIGINT NOT NULL,
    "customer_id" INTEGER NOT NULL,
    "at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "agenda_customer_changes_pkey" PRIMARY KEY ("xid", "customer_id")
);

-- One statement's customers, from its transition tables (TG_ARGV[0] says how
-- the table reaches its customer). Before and after an update both count: an
-- invoice moved to another customer changes the agendas of both. A computed
-- field of an entity the planner does not tie to a customer stales the whole store.
-- So does a statement of more than 50,000 rows: naming the customers of a
-- rescoring's 1,000,000 invoice fields took 2.7 s (EXPLAIN ANALYZE, PostgreSQL
-- 15), where counting 50,001 rows takes milliseconds; such a write (a
-- rescoring, a large import) is followed by a planning run anyway, and names
-- more customers than the agenda would plan live (MAX_CUSTOMERS_PLANNED_LIVE).
CREATE FUNCTION agenda_customers_changed() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  cols text := CASE TG_ARGV[0] WHEN 'id' THEN 'id AS customer_id' WHEN 'customer_id' THEN 'customer_id'
    WHEN 'allocation' THEN 'invoice_id, payment_id' ELSE 'entity_type, entity_id' END;
  touched text := CASE TG_OP WHEN 'INSERT' THEN format('SELECT %s FROM new_rows', cols)
    WHEN 'DELETE' THEN format('SELECT %s FROM old_rows', cols)
    ELSE format('SELECT %1$s FROM old_rows UNION ALL SELECT %1$s FROM new_rows', cols) END;
  ids text := CASE TG_ARGV[0]
    WHEN 'allocation' THEN 'SELECT i.customer_id FROM r JOIN invoices i ON i.id = r.invoice_id
      UNION ALL SELECT p.customer_id FROM r JOIN payments p ON p.id = r.payment_id'
    WHEN 'computed_field' THEN $q$SELECT entity_id AS customer_id FROM r WHERE entity_type = 'customer'
      UNION ALL SELECT i.customer_id FROM r JOIN invoices i ON i.id = r.entity_id WHERE r.entity_type = 'invoice'
      UNION ALL SELECT m.customer_id FROM r JOIN inbound_messages m ON m.id = r.entity_id WHERE r.entity_type = 'inbound'$q$
    ELSE 'SELECT customer_id FROM r' END;
  whole boolean := false;
BEGIN
  EXECUTE format('SELECT count(*) > 50000 FROM (SELECT 1 FROM %I LIMIT 50001) n',
    CASE TG_OP WHEN 'DELETE' THEN 'old_rows' ELSE 'new_rows' END) INTO whole;
  IF NOT whole AND TG_ARGV[0] = 'computed_field' THEN
    EXECUTE format($q$WITH r AS (%s) SELECT EXISTS (SELECT 1 FROM r WHERE entity_type NOT IN ('customer', 'invoice', 'inbound'))$q$, touched) INTO whole;
  END IF;
  IF whole THEN
    INSERT INTO agenda_data_changes (xid) VALUES (pg_current_xact_id()::text::bigint) ON CONFLICT (xid) DO NOTHING;
  ELSE
    EXECUTE format('WITH r AS (%s), ids AS (%s) INSERT INTO agenda_customer_changes (xid, customer_id)
      SELECT DISTINCT pg_current_xact_id()::text::bigint, customer_id FROM ids WHERE customer_id IS NOT NULL
      ON CONFLICT (xid, customer_id) DO NOTHING', touched, ids);
  END IF;
  RETURN NULL;
END $$;

-- Tables with a customer: per customer. TRUNCATE has no transition table and
-- empties every customer's: the whole store. Collectors, exchange rates and
-- scenarios keep their whole-store triggers of 20261216010000.
DO $$
DECLARE t text; how text;
BEGIN
  FOREACH t IN ARRAY ARRAY['customers', 'invoices', 'payments', 'payment_allocations', 'communications',
    'inbound_messages', 'incentive_offers', 'external_events', 'computed_fields'] LOOP
    how := CASE t WHEN 'customers' THEN 'id' WHEN 'payment_allocations' THEN 'allocation'
      WHEN 'computed_fields' THEN 'computed_field' ELSE 'customer_id' END;
    EXECUTE format('DROP TRIGGER %I ON %I', t || '_agenda_data_changed', t);
    EXECUTE format('CREATE TRIGGER %I AFTER TRUNCATE ON %I FOR EACH STATEMENT EXECUTE FUNCTION agenda_data_changed()',
      t || '_agenda_data_changed', t);
    EXECUTE format('CREATE TRIGGER %I AFTER INSERT ON %I REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION agenda_customers_changed(%L)',
      t || '_agenda_customers_inserted', t, how);
    EXECUTE format('CREATE TRIGGER %I AFTER UPDATE ON %I REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION agenda_customers_changed(%L)',
      t || '_agenda_customers_updated', t, how);
    EXECUTE format('CREATE TRIGGER %I AFTER DELETE ON %I REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION agenda_customers_changed(%L)',
      t || '_agenda_customers_deleted', t, how);
  END LOOP;
END $$;

-- A person closing an action the planner owns (the row triggers on actions of
-- 20261216110000 call this function too, their conditions unchanged): its
-- customer's agenda. An answer or email promise is the email's (facts.ts reads
-- it answered by the message id ending the key, whichever customer the email
-- has moved to since).
CREATE OR REPLACE FUNCTION agenda_data_changed() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE a actions;
BEGIN
  IF TG_TABLE_NAME <> 'actions' THEN
    INSERT INTO agenda_data_changes (xid) VALUES (pg_current_xact_id()::text::bigint) ON CONFLICT (xid) DO NOTHING;
    RETURN NULL;
  END IF;
  FOREACH a IN ARRAY CASE TG_OP WHEN 'INSERT' THEN ARRAY[NEW] WHEN 'DELETE' THEN ARRAY[OLD] ELSE ARRAY[OLD, NEW] END LOOP
    INSERT INTO agenda_customer_changes (xid, customer_id)
      SELECT pg_current_xact_id()::text::bigint, c FROM (
        SELECT a.customer_id AS c
        UNION SELECT m.customer_id FROM inbound_messages m
          WHERE a.dedupe_key ~ '^ml:(inbound|promise):' AND m.id = substring(a.dedupe_key from ':m([0-9]{1,10})$')::bigint
      ) touched WHERE c IS NOT NULL
      ON CONFLICT (xid, customer_id) DO NOTHING;
  END LOOP;
  RETURN NULL;
END $$;
