ALTER TABLE "slack_messages" ADD COLUMN "shown_state" text;--> statement-breakpoint
ALTER TABLE "slack_messages" ADD COLUMN "shown_at" timestamp with time zone;--> statement-breakpoint
CREATE INDEX "slack_messages_queues_to_close" ON "slack_messages" USING btree ("plan_id") WHERE "slack_messages"."kind" = 'queue' and coalesce("slack_messages"."shown_state", 'open') in ('open', 'expired');