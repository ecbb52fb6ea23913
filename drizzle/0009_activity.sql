CREATE TABLE "account_activities" (
	"id" serial PRIMARY KEY NOT NULL,
	"ad_account_id" text NOT NULL,
	"event_key" text NOT NULL,
	"event_type" text NOT NULL,
	"event_time" timestamp with time zone NOT NULL,
	"actor_id" text,
	"actor_name" text,
	"application_id" text,
	"application_name" text,
	"object_id" text,
	"object_name" text,
	"object_type" text,
	"extra_data" text,
	"translated_event_type" text,
	"actor_kind" text NOT NULL,
	"read_at" timestamp with time zone NOT NULL,
	CONSTRAINT "account_activities_event_unique" UNIQUE("ad_account_id","event_key")
);
--> statement-breakpoint
CREATE INDEX "account_activities_of_account_since" ON "account_activities" USING btree ("ad_account_id","event_time");