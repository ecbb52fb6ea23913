ALTER TABLE "slack_workspaces" ADD COLUMN "bot_id" text;--> statement-breakpoint
ALTER TABLE "slack_workspaces" ADD COLUMN "app_id" text;--> statement-breakpoint
ALTER TABLE "slack_workspaces" ADD COLUMN "bot_scopes" text;