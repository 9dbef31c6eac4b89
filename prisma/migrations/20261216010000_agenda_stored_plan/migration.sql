-- The whole portfolio's agenda as the last planning run ranked it, one row per
-- suggestion (automatic steps too) in the planner's order, so that
-- GET /v1/agenda reads a page of it instead of planning 200,000 suggestions
-- live (src/agenda/stored-plan.ts). Replaced whole by each portfolio run.
CREATE TABLE "agenda_plan_items" (
    "rank" INTEGER NOT NULL,
    "dedupe_key" TEXT NOT NULL,
    "customer_id" INTEGER NOT NULL,
    "collector_id" INTEGER,
    "task" BOOLEAN NOT NULL,
    "origin" TEXT NOT NULL,
    "item" JSONB NOT NULL,

    CONSTRAINT "agenda_plan_items_pkey" PRIMARY KEY ("rank")
);
CREATE INDEX "agenda_plan_items_collector_id_rank_idx" ON "agenda_plan_items" ("collector_id", "rank");

-- The transactions that wrote what the planner reads: a stored plan whose
-- snapshot did not see one of them is stale. One row per transaction (the
-- statement-level trigger runs once per statement, the key keeps one), deleted
-- by the next plan that saw it. Actions count only when a person closes one:
-- the planner's own writes are what it stored, and manual actions are read live.
CREATE TABLE "agenda_data_changes" (
    "xid" BIGINT NOT NULL,
    "at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "agenda_data_changes_pkey" PRIMARY KEY ("xid")
);

CREATE FUNCTION agenda_data_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO agenda_data_changes (xid) VALUES (pg_current_xact_id()::text::bigint) ON CONFLICT (xid) DO NOTHING;
  RETURN NULL;
END $$;

DO $$
DECLARE t text;
BEGIN
  FOREACH t IN ARRAY ARRAY['customers', 'collectors', 'invoices', 'payments', 'payment_allocations', 'communications',
    'inbound_messages', 'incentive_offers', 'external_events', 'computed_fields', 'exchange_rates', 'dunning_scenarios'] LOOP
    EXECUTE format('CREATE TRIGGER %I AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON %I FOR EACH STATEMENT EXECUTE FUNCTION agenda_data_changed()',
      t || '_agenda_data_changed', t);
  END LOOP;
END $$;

CREATE TRIGGER "actions_closed_agenda_data_changed" AFTER INSERT ON "actions"
  FOR EACH ROW WHEN (NEW.done_at IS NOT NULL) EXECUTE FUNCTION agenda_data_changed();
CREATE TRIGGER "actions_reclosed_agenda_data_changed" AFTER UPDATE ON "actions"
  FOR EACH ROW WHEN (NEW.done_at IS DISTINCT FROM OLD.done_at) EXECUTE FUNCTION agenda_data_changed();
CREATE TRIGGER "actions_deleted_agenda_data_changed" AFTER DELETE ON "actions"
  FOR EACH ROW WHEN (OLD.done_at IS NOT NULL) EXECUTE FUNCTION agenda_data_changed();
