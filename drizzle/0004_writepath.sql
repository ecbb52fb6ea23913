CREATE TABLE "process_leases" (
	"id" text PRIMARY KEY NOT NULL,
	"host" text NOT NULL,
	"pid" integer NOT NULL,
	"role" text NOT NULL,
	"started_at" timestamp with time zone DEFAULT now() NOT NULL,
	"heartbeat_at" timestamp with time zone DEFAULT now() NOT NULL,
	"stopped_at" timestamp with time zone
);
--> statement-breakpoint
DROP INDEX "outbox_pending_in_order";--> statement-breakpoint
ALTER TABLE "execution_confirmations" ADD COLUMN "runner_id" text;--> statement-breakpoint
ALTER TABLE "outbox" ADD COLUMN "dedupe_key" text NOT NULL;--> statement-breakpoint
ALTER TABLE "outbox" ADD COLUMN "state" text NOT NULL;--> statement-breakpoint
ALTER TABLE "outbox" ADD COLUMN "owner_id" text;--> statement-breakpoint
ALTER TABLE "outbox" ADD COLUMN "claimed_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "outbox" ADD COLUMN "finished_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "plan_actions" ADD COLUMN "owner_id" text;--> statement-breakpoint
ALTER TABLE "plan_actions" ADD COLUMN "confirmation_id" text;--> statement-breakpoint
CREATE INDEX "process_leases_oldest_heartbeat_first" ON "process_leases" USING btree ("heartbeat_at");--> statement-breakpoint
CREATE INDEX "execution_confirmations_unfinished" ON "execution_confirmations" USING btree ("status");--> statement-breakpoint
CREATE UNIQUE INDEX "outbox_once_per_dedupe_key" ON "outbox" USING btree ("dedupe_key");--> statement-breakpoint
CREATE INDEX "outbox_claimable_in_order" ON "outbox" USING btree ("available_at") WHERE "outbox"."state" in ('pending', 'claimed');--> statement-breakpoint
CREATE INDEX "plan_actions_in_flight" ON "plan_actions" USING btree ("status") WHERE "plan_actions"."status" in ('executing', 'unknown', 'rolling_back');--> statement-breakpoint
ALTER TABLE "outbox" DROP COLUMN "dispatched_at";