-- The action log is append-only in the database itself: whatever the application does, a row once
-- written can be neither changed nor removed. TRUNCATE is refused too.
CREATE OR REPLACE FUNCTION action_log_refuse_change() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'action_log is append-only: % is not allowed', TG_OP
    USING ERRCODE = 'insufficient_privilege';
END;
$$;
--> statement-breakpoint
CREATE TRIGGER action_log_no_update BEFORE UPDATE ON action_log
  FOR EACH ROW EXECUTE FUNCTION action_log_refuse_change();
--> statement-breakpoint
CREATE TRIGGER action_log_no_delete BEFORE DELETE ON action_log
  FOR EACH ROW EXECUTE FUNCTION action_log_refuse_change();
--> statement-breakpoint
CREATE TRIGGER action_log_no_truncate BEFORE TRUNCATE ON action_log
  FOR EACH STATEMENT EXECUTE FUNCTION action_log_refuse_change();
