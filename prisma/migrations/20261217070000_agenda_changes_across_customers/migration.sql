-- Writes that change another customer's agenda than the one on their row
-- record that customer too (src/agenda/stored-plan.ts plans the recorded
-- customers live beside the stored plan of the others):
-- * an email's triage is counted for the customer it read (triaged_customer_id)
--   until triaged again: an email an import moved, once triaged again, leaves
--   that customer's agenda (its answer_email task, its promise) for its own.
--   Only the new customer was recorded, and the old one kept the task in the
--   store beside the new one's planned live (two tasks for one email).
-- * a payment's day is the day its allocations paid invoices, which may be
--   another customer's (a parent company paying a subsidiary's): a payment
--   plan's instalment missed, an overrun's start, a promise kept. Only the
--   payment's customer was recorded when its day changed.
CREATE OR REPLACE FUNCTION agenda_customers_changed() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
  cols text := CASE TG_ARGV[0] WHEN 'id' THEN 'id AS customer_id' WHEN 'customer_id' THEN 'customer_id'
    WHEN 'inbound' THEN 'customer_id, triaged_customer_id' WHEN 'payment' THEN 'id, customer_id'
    WHEN 'allocation' THEN 'invoice_id, payment_id' ELSE 'entity_type, entity_id' END;
  touched text := CASE TG_OP WHEN 'INSERT' THEN format('SELECT %s FROM new_rows', cols)
    WHEN 'DELETE' THEN format('SELECT %s FROM old_rows', cols)
    ELSE format('SELECT %1$s FROM old_rows UNION ALL SELECT %1$s FROM new_rows', cols) END;
  ids text := CASE TG_ARGV[0]
    WHEN 'allocation' THEN 'SELECT i.customer_id FROM r JOIN invoices i ON i.id = r.invoice_id
      UNION ALL SELECT p.customer_id FROM r JOIN payments p ON p.id = r.payment_id'
    WHEN 'inbound' THEN 'SELECT customer_id FROM r UNION ALL SELECT triaged_customer_id FROM r'
    WHEN 'payment' THEN 'SELECT customer_id FROM r
      UNION ALL SELECT i.customer_id FROM r JOIN payment_allocations pa ON pa.payment_id = r.id JOIN invoices i ON i.id = pa.invoice_id'
    WHEN 'computed_field' THEN $q$SELECT entity_id AS customer_id FROM r WHERE entity_type = 'customer'
      UNION ALL SELECT i.customer_id FROM r JOIN invoices i ON i.id = r.entity_id WHERE r.entity_type = 'invoice'
      UNION ALL SELECT c FROM r JOIN inbound_messages m ON m.id = r.entity_id
        CROSS JOIN LATERAL (VALUES (m.customer_id), (m.triaged_customer_id)) v(c) WHERE r.entity_type = 'inbound'$q$
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

DO $$
DECLARE t text; how text;
BEGIN
  FOREACH t IN ARRAY ARRAY['inbound_messages', 'payments'] LOOP
    how := CASE t WHEN 'inbound_messages' THEN 'inbound' ELSE 'payment' END;
    EXECUTE format('DROP TRIGGER %I ON %I', t || '_agenda_customers_inserted', t);
    EXECUTE format('DROP TRIGGER %I ON %I', t || '_agenda_customers_updated', t);
    EXECUTE format('DROP TRIGGER %I ON %I', t || '_agenda_customers_deleted', t);
    EXECUTE format('CREATE TRIGGER %I AFTER INSERT ON %I REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION agenda_customers_changed(%L)',
      t || '_agenda_customers_inserted', t, how);
    EXECUTE format('CREATE TRIGGER %I AFTER UPDATE ON %I REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION agenda_customers_changed(%L)',
      t || '_agenda_customers_updated', t, how);
    EXECUTE format('CREATE TRIGGER %I AFTER DELETE ON %I REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION agenda_customers_changed(%L)',
      t || '_agenda_customers_deleted', t, how);
  END LOOP;
END $$;
