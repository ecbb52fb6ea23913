CREATE TABLE "action_log" (
	"seq" bigserial PRIMARY KEY NOT NULL,
	"id" text NOT NULL,
	"agent_id" text NOT NULL,
	"ad_account_id" text NOT NULL,
	"kind" text NOT NULL,
	"event" text NOT NULL,
	"idempotency_key" text NOT NULL,
	"plan_id" text,
	"plan_action_id" text,
	"action_key" text,
	"confirmation_id" text,
	"rollback_of" text,
	"type" text NOT NULL,
	"level" text NOT NULL,
	"entity_id" text NOT NULL,
	"entity_name" text,
	"from_value" jsonb NOT NULL,
	"to_value" jsonb NOT NULL,
	"observed_value" jsonb,
	"approved_by" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"confirmed_by" text,
	"environment" text NOT NULL,
	"reason" text,
	"error" jsonb,
	"at" timestamp with time zone NOT NULL,
	CONSTRAINT "action_log_id_unique" UNIQUE("id")
);
--> statement-breakpoint
CREATE TABLE "agents" (
	"id" text PRIMARY KEY NOT NULL,
	"connection_id" text NOT NULL,
	"ad_account_id" text NOT NULL,
	"currency" text NOT NULL,
	"account_name" text,
	"timezone_name" text,
	"slack_workspace_id" text,
	"slack_channel_id" text,
	"enabled" boolean DEFAULT true NOT NULL,
	"execution_enabled" boolean DEFAULT false NOT NULL,
	"interval_seconds" integer DEFAULT 21600 NOT NULL,
	"halted" boolean DEFAULT false NOT NULL,
	"halted_reason" text,
	"halted_by" text,
	"halted_at" timestamp with time zone,
	"config" jsonb NOT NULL,
	"last_run_at" timestamp with time zone,
	"next_run_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "agents_interval_at_least_5_minutes" CHECK ("agents"."interval_seconds" >= 300),
	CONSTRAINT "agents_halt_has_reason" CHECK (not "agents"."halted" or "agents"."halted_reason" is not null)
);
--> statement-breakpoint
CREATE TABLE "approval_decisions" (
	"id" text PRIMARY KEY NOT NULL,
	"plan_id" text NOT NULL,
	"plan_action_id" text NOT NULL,
	"decision" text NOT NULL,
	"actor" text NOT NULL,
	"source" text NOT NULL,
	"source_ref" text,
	"decided_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "entity_snapshots" (
	"run_id" text NOT NULL,
	"entity_id" text NOT NULL,
	"level" text NOT NULL,
	"name" text NOT NULL,
	"campaign_id" text NOT NULL,
	"adset_id" text,
	"status" text NOT NULL,
	"effective_status" text NOT NULL,
	"daily_budget" bigint,
	"learning_stage" text,
	"last_significant_edit_at" timestamp with time zone,
	CONSTRAINT "entity_snapshots_pk" PRIMARY KEY("run_id","entity_id")
);
--> statement-breakpoint
CREATE TABLE "execution_confirmations" (
	"id" text PRIMARY KEY NOT NULL,
	"agent_id" text NOT NULL,
	"kind" text NOT NULL,
	"plan_id" text,
	"confirm_word" text NOT NULL,
	"confirmed_by" text NOT NULL,
	"confirmed_at" timestamp with time zone NOT NULL,
	"targets" jsonb NOT NULL,
	"status" text NOT NULL,
	"finished_at" timestamp with time zone,
	"result" jsonb
);
--> statement-breakpoint
CREATE TABLE "insight_snapshots" (
	"run_id" text NOT NULL,
	"entity_id" text NOT NULL,
	"level" text NOT NULL,
	"date" text,
	"spend" bigint NOT NULL,
	"impressions" bigint NOT NULL,
	"reach" bigint NOT NULL,
	"clicks" bigint NOT NULL,
	"link_clicks" bigint NOT NULL,
	"purchases" bigint NOT NULL,
	"purchase_value" bigint NOT NULL
);
--> statement-breakpoint
CREATE TABLE "meta_connections" (
	"id" text PRIMARY KEY NOT NULL,
	"ad_account_id" text NOT NULL,
	"access_token_sealed" text NOT NULL,
	"token_mode" text NOT NULL,
	"token_expires_at" timestamp with time zone,
	"data_access_expires_at" timestamp with time zone,
	"environment" text NOT NULL,
	"business_id" text,
	"page_id" text,
	"instagram_actor_id" text,
	"app_id" text,
	"scopes" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"meta_user_id" text,
	"validated_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	"revoked_at" timestamp with time zone,
	CONSTRAINT "meta_connections_ad_account_format" CHECK ("meta_connections"."ad_account_id" ~ '^act_[0-9]+$')
);
--> statement-breakpoint
CREATE TABLE "outbox" (
	"id" text PRIMARY KEY NOT NULL,
	"topic" text NOT NULL,
	"payload" jsonb NOT NULL,
	"created_at" timestamp with time zone NOT NULL,
	"available_at" timestamp with time zone NOT NULL,
	"dispatched_at" timestamp with time zone,
	"attempts" integer DEFAULT 0 NOT NULL,
	"last_error" text
);
--> statement-breakpoint
CREATE TABLE "plan_actions" (
	"id" text PRIMARY KEY NOT NULL,
	"plan_id" text NOT NULL,
	"key" text NOT NULL,
	"position" integer NOT NULL,
	"type" text NOT NULL,
	"level" text NOT NULL,
	"entity_id" text NOT NULL,
	"entity_name" text NOT NULL,
	"from_value" jsonb NOT NULL,
	"to_value" jsonb NOT NULL,
	"requires_approval" boolean NOT NULL,
	"status" text NOT NULL,
	"recommendation_id" text,
	"rule" text,
	"evidence" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"reason" text,
	"updated_at" timestamp with time zone NOT NULL,
	CONSTRAINT "plan_actions_key_format" CHECK ("plan_actions"."key" ~ '^A[0-9]+$')
);
--> statement-breakpoint
CREATE TABLE "plans" (
	"id" text PRIMARY KEY NOT NULL,
	"agent_id" text NOT NULL,
	"run_id" text NOT NULL,
	"status" text NOT NULL,
	"created_at" timestamp with time zone NOT NULL,
	"created_by" text NOT NULL,
	"expires_at" timestamp with time zone NOT NULL,
	"superseded_by" text,
	"superseded_at" timestamp with time zone,
	"guardrails" jsonb DEFAULT '[]'::jsonb NOT NULL
);
--> statement-breakpoint
CREATE TABLE "recommendations" (
	"run_id" text NOT NULL,
	"id" text NOT NULL,
	"ordinal" integer NOT NULL,
	"rule" text NOT NULL,
	"severity" text NOT NULL,
	"level" text NOT NULL,
	"entity_id" text NOT NULL,
	"entity_name" text NOT NULL,
	"action" jsonb,
	"evidence" jsonb NOT NULL,
	"message" text NOT NULL,
	CONSTRAINT "recommendations_pk" PRIMARY KEY("run_id","id")
);
--> statement-breakpoint
CREATE TABLE "runs" (
	"id" text PRIMARY KEY NOT NULL,
	"agent_id" text NOT NULL,
	"trigger" text NOT NULL,
	"status" text NOT NULL,
	"started_at" timestamp with time zone NOT NULL,
	"finished_at" timestamp with time zone,
	"date_preset" text NOT NULL,
	"window_since" text,
	"window_until" text,
	"currency" text,
	"account" jsonb,
	"purchase_action_type" text,
	"summary" jsonb,
	"graph_calls" integer,
	"error" jsonb
);
--> statement-breakpoint
CREATE TABLE "slack_messages" (
	"id" text PRIMARY KEY NOT NULL,
	"agent_id" text NOT NULL,
	"kind" text NOT NULL,
	"channel_id" text NOT NULL,
	"message_ts" text NOT NULL,
	"thread_ts" text NOT NULL,
	"run_id" text,
	"plan_id" text,
	"posted_at" timestamp with time zone NOT NULL,
	"last_scanned_ts" text
);
--> statement-breakpoint
CREATE TABLE "slack_workspaces" (
	"id" text PRIMARY KEY NOT NULL,
	"team_id" text NOT NULL,
	"team_name" text,
	"enterprise_id" text,
	"bot_user_id" text,
	"bot_token_sealed" text,
	"installed_by" text,
	"installed_at" timestamp with time zone DEFAULT now() NOT NULL,
	"revoked_at" timestamp with time zone
);
--> statement-breakpoint
ALTER TABLE "agents" ADD CONSTRAINT "agents_connection_id_meta_connections_id_fk" FOREIGN KEY ("connection_id") REFERENCES "public"."meta_connections"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "agents" ADD CONSTRAINT "agents_slack_workspace_id_slack_workspaces_id_fk" FOREIGN KEY ("slack_workspace_id") REFERENCES "public"."slack_workspaces"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "approval_decisions" ADD CONSTRAINT "approval_decisions_plan_id_plans_id_fk" FOREIGN KEY ("plan_id") REFERENCES "public"."plans"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "approval_decisions" ADD CONSTRAINT "approval_decisions_plan_action_id_plan_actions_id_fk" FOREIGN KEY ("plan_action_id") REFERENCES "public"."plan_actions"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "entity_snapshots" ADD CONSTRAINT "entity_snapshots_run_id_runs_id_fk" FOREIGN KEY ("run_id") REFERENCES "public"."runs"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "execution_confirmations" ADD CONSTRAINT "execution_confirmations_agent_id_agents_id_fk" FOREIGN KEY ("agent_id") REFERENCES "public"."agents"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "execution_confirmations" ADD CONSTRAINT "execution_confirmations_plan_id_plans_id_fk" FOREIGN KEY ("plan_id") REFERENCES "public"."plans"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "insight_snapshots" ADD CONSTRAINT "insight_snapshots_run_id_runs_id_fk" FOREIGN KEY ("run_id") REFERENCES "public"."runs"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "plan_actions" ADD CONSTRAINT "plan_actions_plan_id_plans_id_fk" FOREIGN KEY ("plan_id") REFERENCES "public"."plans"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "plans" ADD CONSTRAINT "plans_agent_id_agents_id_fk" FOREIGN KEY ("agent_id") REFERENCES "public"."agents"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "plans" ADD CONSTRAINT "plans_run_id_runs_id_fk" FOREIGN KEY ("run_id") REFERENCES "public"."runs"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "recommendations" ADD CONSTRAINT "recommendations_run_id_runs_id_fk" FOREIGN KEY ("run_id") REFERENCES "public"."runs"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "runs" ADD CONSTRAINT "runs_agent_id_agents_id_fk" FOREIGN KEY ("agent_id") REFERENCES "public"."agents"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "slack_messages" ADD CONSTRAINT "slack_messages_agent_id_agents_id_fk" FOREIGN KEY ("agent_id") REFERENCES "public"."agents"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "action_log_each_outcome_once" ON "action_log" USING btree ("idempotency_key");--> statement-breakpoint
CREATE INDEX "action_log_newest_by_agent" ON "action_log" USING btree ("agent_id","seq" DESC NULLS LAST);--> statement-breakpoint
CREATE INDEX "action_log_by_entity" ON "action_log" USING btree ("entity_id","seq" DESC NULLS LAST);--> statement-breakpoint
CREATE UNIQUE INDEX "agents_by_ad_account" ON "agents" USING btree ("ad_account_id");--> statement-breakpoint
CREATE INDEX "agents_due_for_poll" ON "agents" USING btree ("next_run_at") WHERE "agents"."enabled" and not "agents"."halted";--> statement-breakpoint
CREATE INDEX "approval_decisions_latest_by_action" ON "approval_decisions" USING btree ("plan_action_id","decided_at" DESC NULLS LAST);--> statement-breakpoint
CREATE UNIQUE INDEX "approval_decisions_once_per_source_message" ON "approval_decisions" USING btree ("source","source_ref","plan_action_id");--> statement-breakpoint
CREATE INDEX "entity_snapshots_history_by_entity" ON "entity_snapshots" USING btree ("entity_id");--> statement-breakpoint
CREATE INDEX "execution_confirmations_latest_by_agent" ON "execution_confirmations" USING btree ("agent_id","confirmed_at" DESC NULLS LAST);--> statement-breakpoint
CREATE INDEX "insight_snapshots_rows_of_run" ON "insight_snapshots" USING btree ("run_id","level","entity_id");--> statement-breakpoint
CREATE UNIQUE INDEX "meta_connections_live_by_ad_account" ON "meta_connections" USING btree ("ad_account_id") WHERE "meta_connections"."revoked_at" is null;--> statement-breakpoint
CREATE INDEX "outbox_pending_in_order" ON "outbox" USING btree ("available_at") WHERE "outbox"."dispatched_at" is null;--> statement-breakpoint
CREATE UNIQUE INDEX "plan_actions_by_plan_and_key" ON "plan_actions" USING btree ("plan_id","key");--> statement-breakpoint
CREATE INDEX "plan_actions_by_entity" ON "plan_actions" USING btree ("entity_id");--> statement-breakpoint
CREATE UNIQUE INDEX "plans_one_active_per_agent" ON "plans" USING btree ("agent_id") WHERE "plans"."status" = 'active';--> statement-breakpoint
CREATE INDEX "plans_latest_by_agent" ON "plans" USING btree ("agent_id","created_at" DESC NULLS LAST);--> statement-breakpoint
CREATE INDEX "recommendations_of_run_in_order" ON "recommendations" USING btree ("run_id","ordinal");--> statement-breakpoint
CREATE INDEX "runs_latest_by_agent" ON "runs" USING btree ("agent_id","started_at" DESC NULLS LAST);--> statement-breakpoint
CREATE INDEX "slack_messages_threads_of_plan" ON "slack_messages" USING btree ("plan_id");--> statement-breakpoint
CREATE INDEX "slack_messages_by_agent" ON "slack_messages" USING btree ("agent_id");--> statement-breakpoint
CREATE UNIQUE INDEX "slack_workspaces_live_by_team" ON "slack_workspaces" USING btree ("team_id") WHERE "slack_workspaces"."revoked_at" is null;