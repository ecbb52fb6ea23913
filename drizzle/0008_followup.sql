CREATE TABLE "action_followups" (
	"id" text PRIMARY KEY NOT NULL,
	"agent_id" text NOT NULL,
	"action_log_id" text NOT NULL,
	"horizon" text NOT NULL,
	"due_at" timestamp with time zone NOT NULL,
	"status" text NOT NULL,
	"verdict" text,
	"reason" text,
	"change" jsonb,
	"money_minor" bigint,
	"currency" text,
	"detail" jsonb,
	"run_id" text,
	"created_at" timestamp with time zone NOT NULL,
	"evaluated_at" timestamp with time zone
);
--> statement-breakpoint
CREATE UNIQUE INDEX "action_followups_once_per_write_and_horizon" ON "action_followups" USING btree ("action_log_id","horizon");--> statement-breakpoint
CREATE INDEX "action_followups_due_by_agent" ON "action_followups" USING btree ("agent_id","due_at") WHERE "action_followups"."status" = 'due';