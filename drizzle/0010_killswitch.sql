CREATE TABLE "agent_events" (
	"id" text PRIMARY KEY NOT NULL,
	"agent_id" text NOT NULL,
	"kind" text NOT NULL,
	"trip_kind" text,
	"trip_key" text,
	"reason" text NOT NULL,
	"actor" text NOT NULL,
	"details" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
ALTER TABLE "agent_events" ADD CONSTRAINT "agent_events_agent_id_agents_id_fk" FOREIGN KEY ("agent_id") REFERENCES "public"."agents"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "agent_events_trip_once" ON "agent_events" USING btree ("agent_id","trip_key") WHERE "agent_events"."trip_key" is not null;--> statement-breakpoint
CREATE INDEX "agent_events_newest_by_agent" ON "agent_events" USING btree ("agent_id","at" DESC NULLS LAST);