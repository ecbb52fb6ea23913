CREATE TABLE "meta_oauth_grants" (
	"id" text PRIMARY KEY NOT NULL,
	"slack_team_id" text NOT NULL,
	"slack_user_id" text NOT NULL,
	"slack_channel_id" text,
	"ad_account_id" text,
	"meta_user_id" text,
	"access_token_sealed" text NOT NULL,
	"scopes" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"token_expires_at" timestamp with time zone,
	"data_access_expires_at" timestamp with time zone,
	"app_id" text,
	"page_id" text,
	"created_at" timestamp with time zone NOT NULL,
	"expires_at" timestamp with time zone NOT NULL,
	"used_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "meta_oauth_states" (
	"id" text PRIMARY KEY NOT NULL,
	"state_hash" text NOT NULL,
	"slack_team_id" text NOT NULL,
	"slack_user_id" text NOT NULL,
	"slack_channel_id" text,
	"ad_account_id" text,
	"created_at" timestamp with time zone NOT NULL,
	"expires_at" timestamp with time zone NOT NULL,
	"consumed_at" timestamp with time zone,
	"outcome" text
);
--> statement-breakpoint
ALTER TABLE "meta_connections" ADD COLUMN "method" text DEFAULT 'token' NOT NULL;--> statement-breakpoint
ALTER TABLE "meta_connections" ADD COLUMN "last_refreshed_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "meta_connections" ADD COLUMN "health" text DEFAULT 'ok' NOT NULL;--> statement-breakpoint
ALTER TABLE "meta_connections" ADD COLUMN "health_detail" text;--> statement-breakpoint
ALTER TABLE "meta_connections" ADD COLUMN "warned_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "meta_connections" ADD COLUMN "disconnected_by" text;--> statement-breakpoint
CREATE INDEX "meta_oauth_grants_pending_by_slack_user" ON "meta_oauth_grants" USING btree ("slack_team_id","slack_user_id","created_at") WHERE "meta_oauth_grants"."used_at" is null;--> statement-breakpoint
CREATE UNIQUE INDEX "meta_oauth_states_by_state_hash" ON "meta_oauth_states" USING btree ("state_hash");--> statement-breakpoint
CREATE INDEX "meta_connections_live_by_token_expiry" ON "meta_connections" USING btree ("token_expires_at") WHERE "meta_connections"."revoked_at" is null;