ALTER TABLE "agents" ADD COLUMN "currency" text NOT NULL;--> statement-breakpoint
ALTER TABLE "agents" ADD COLUMN "account_name" text;--> statement-breakpoint
ALTER TABLE "agents" ADD COLUMN "timezone_name" text;