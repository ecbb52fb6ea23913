CREATE TABLE "rule_precision" (
	"agent_id" text NOT NULL,
	"rule" text NOT NULL,
	"verdicts" integer NOT NULL,
	"confirmed" integer NOT NULL,
	"unlabelled" integer NOT NULL,
	"precision" double precision,
	"low" double precision NOT NULL,
	"high" double precision NOT NULL,
	"money_saved" bigint NOT NULL,
	"window_since" text NOT NULL,
	"window_until" text NOT NULL,
	"horizon_days" integer NOT NULL,
	"target_cpa_minor" bigint,
	"target_roas" double precision,
	"source" text NOT NULL,
	"measured_at" timestamp with time zone NOT NULL,
	CONSTRAINT "rule_precision_of_agent" PRIMARY KEY("agent_id","rule"),
	CONSTRAINT "rule_precision_counts" CHECK ("rule_precision"."confirmed" >= 0 AND "rule_precision"."confirmed" <= "rule_precision"."verdicts"),
	CONSTRAINT "rule_precision_interval" CHECK ("rule_precision"."low" >= 0 AND "rule_precision"."low" <= "rule_precision"."high" AND "rule_precision"."high" <= 1)
);
--> statement-breakpoint
ALTER TABLE "runs" ADD COLUMN "shadow" jsonb;--> statement-breakpoint
ALTER TABLE "rule_precision" ADD CONSTRAINT "rule_precision_agent_id_agents_id_fk" FOREIGN KEY ("agent_id") REFERENCES "public"."agents"("id") ON DELETE cascade ON UPDATE no action;