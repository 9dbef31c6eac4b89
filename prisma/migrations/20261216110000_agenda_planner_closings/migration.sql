-- A person closing an action the planner does not own (a manual one, with no
-- key or another) changes nothing the planner reads (facts.ts reads closings
-- by planner keys): it no longer makes the stored plan stale, which sent the
-- whole portfolio's agenda back to planning live (47 s at 100,000 customers)
-- at every manual call a collector ticked off. Keys as src/agenda/keys.ts's
-- PLANNER_KEY_PREFIXES.
DROP TRIGGER "actions_closed_agenda_data_changed" ON "actions";
DROP TRIGGER "actions_reclosed_agenda_data_changed" ON "actions";
DROP TRIGGER "actions_deleted_agenda_data_changed" ON "actions";

CREATE TRIGGER "actions_closed_agenda_data_changed" AFTER INSERT ON "actions"
  FOR EACH ROW WHEN (NEW.done_at IS NOT NULL AND (NEW.dedupe_key LIKE 'scenario:%' OR NEW.dedupe_key LIKE 'qual:%' OR NEW.dedupe_key LIKE 'ml:%' OR NEW.dedupe_key LIKE 'risk:%')) EXECUTE FUNCTION agenda_data_changed();
CREATE TRIGGER "actions_reclosed_agenda_data_changed" AFTER UPDATE ON "actions"
  FOR EACH ROW WHEN (NEW.done_at IS DISTINCT FROM OLD.done_at AND ((NEW.dedupe_key LIKE 'scenario:%' OR NEW.dedupe_key LIKE 'qual:%' OR NEW.dedupe_key LIKE 'ml:%' OR NEW.dedupe_key LIKE 'risk:%') OR (OLD.dedupe_key LIKE 'scenario:%' OR OLD.dedupe_key LIKE 'qual:%' OR OLD.dedupe_key LIKE 'ml:%' OR OLD.dedupe_key LIKE 'risk:%'))) EXECUTE FUNCTION agenda_data_changed();
CREATE TRIGGER "actions_deleted_agenda_data_changed" AFTER DELETE ON "actions"
  FOR EACH ROW WHEN (OLD.done_at IS NOT NULL AND (OLD.dedupe_key LIKE 'scenario:%' OR OLD.dedupe_key LIKE 'qual:%' OR OLD.dedupe_key LIKE 'ml:%' OR OLD.dedupe_key LIKE 'risk:%')) EXECUTE FUNCTION agenda_data_changed();
