-- CreateTable
CREATE TABLE "cost_prices" (
    "id" UUID NOT NULL,
    "region" TEXT NOT NULL,
    "item" TEXT NOT NULL,
    "tier_start_gb" INTEGER NOT NULL DEFAULT 0,
    "rate" DECIMAL(14,6) NOT NULL,
    "source" TEXT NOT NULL,
    "as_of" DATE NOT NULL,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_by" TEXT NOT NULL DEFAULT 'flowlens',

    CONSTRAINT "cost_prices_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "cost_price_changes" (
    "id" UUID NOT NULL,
    "region" TEXT NOT NULL,
    "item" TEXT NOT NULL,
    "tier_start_gb" INTEGER NOT NULL,
    "old_rate" DECIMAL(14,6),
    "new_rate" DECIMAL(14,6),
    "old_source" TEXT,
    "new_source" TEXT,
    "old_as_of" DATE,
    "new_as_of" DATE,
    "note" TEXT NOT NULL DEFAULT '',
    "changed_by" TEXT NOT NULL,
    "changed_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "cost_price_changes_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "cost_rollups" (
    "id" BIGSERIAL NOT NULL,
    "hour" TIMESTAMPTZ(3) NOT NULL,
    "flow_log_id" TEXT NOT NULL,
    "account_id" TEXT NOT NULL,
    "region" TEXT NOT NULL,
    "vpc_id" TEXT NOT NULL,
    "vpc_name" TEXT,
    "availability_zone" TEXT,
    "service" TEXT NOT NULL,
    "team" TEXT NOT NULL,
    "peer_class" TEXT NOT NULL,
    "peer_name" TEXT NOT NULL,
    "peer_region" TEXT,
    "path" TEXT NOT NULL,
    "direction" TEXT NOT NULL,
    "action" TEXT NOT NULL,
    "via" TEXT,
    "price_region" TEXT,
    "inferred" BOOLEAN NOT NULL DEFAULT false,
    "bytes" BIGINT NOT NULL,
    "packets" BIGINT NOT NULL,
    "flows" BIGINT NOT NULL,

    CONSTRAINT "cost_rollups_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "cost_rollup_hours" (
    "hour" TIMESTAMPTZ(3) NOT NULL,
    "flow_log_id" TEXT NOT NULL,
    "entries" BIGINT NOT NULL,
    "final" BOOLEAN NOT NULL,
    "computed_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "inventory_version" INTEGER NOT NULL,
    "queries" INTEGER NOT NULL,
    "shards" INTEGER NOT NULL,
    "rows" INTEGER NOT NULL,

    CONSTRAINT "cost_rollup_hours_pkey" PRIMARY KEY ("hour","flow_log_id")
);

-- CreateTable
CREATE TABLE "cost_rollup_coverage" (
    "hour" TIMESTAMPTZ(3) NOT NULL,
    "final" BOOLEAN NOT NULL,
    "computed_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "cost_rollup_coverage_pkey" PRIMARY KEY ("hour")
);

-- CreateTable
CREATE TABLE "cost_saved_reports" (
    "id" UUID NOT NULL,
    "slug" TEXT NOT NULL,
    "title" TEXT NOT NULL,
    "params" JSONB NOT NULL,
    "created_by" TEXT NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "cost_saved_reports_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "cost_prices_region_item_tier_start_gb_key" ON "cost_prices"("region", "item", "tier_start_gb");

-- CreateIndex
CREATE INDEX "cost_price_changes_changed_at_idx" ON "cost_price_changes"("changed_at");

-- CreateIndex
CREATE INDEX "cost_rollups_hour_idx" ON "cost_rollups"("hour");

-- CreateIndex
CREATE INDEX "cost_rollups_flow_log_id_hour_idx" ON "cost_rollups"("flow_log_id", "hour");

-- CreateIndex
CREATE UNIQUE INDEX "cost_saved_reports_slug_key" ON "cost_saved_reports"("slug");

-- Default prices (server/cost/prices.ts DEFAULT_PRICES): list prices of us-east-1, eu-west-1 and
-- eu-west-3 with their sources; edit them on /cost/prices.
INSERT INTO "cost_prices" ("id", "region", "item", "tier_start_gb", "rate", "source", "as_of") VALUES
    (gen_random_uuid(), 'global', 'internet_free_gb', 0, 100, 'https://aws.amazon.com/blogs/aws/aws-free-tier-data-transfer-expansion-100-gb-from-regions-and-1-tb-from-amazon-cloudfront-per-month/', DATE '2025-01-01'),
    (gen_random_uuid(), 'us-east-1', 'internet_egress_gb', 0, 0.09, 'https://aws.amazon.com/ec2/pricing/on-demand/#Data_Transfer', DATE '2025-01-01'),
    (gen_random_uuid(), 'us-east-1', 'internet_egress_gb', 10240, 0.085, 'https://aws.amazon.com/ec2/pricing/on-demand/#Data_Transfer', DATE '2025-01-01'),
    (gen_random_uuid(), 'us-east-1', 'internet_egress_gb', 51200, 0.07, 'https://aws.amazon.com/ec2/pricing/on-demand/#Data_Transfer', DATE '2025-01-01'),
    (gen_random_uuid(), 'us-east-1', 'internet_egress_gb', 153600, 0.05, 'https://aws.amazon.com/ec2/pricing/on-demand/#Data_Transfer', DATE '2025-01-01'),
    (gen_random_uuid(), 'us-east-1', 'nat_gateway_gb', 0, 0.045, 'https://aws.amazon.com/vpc/pricing/', DATE '2025-01-01'),
    (gen_random_uuid(), 'us-east-1', 'nat_gateway_hour', 0, 0.045, 'https://aws.amazon.com/vpc/pricing/', DATE '2025-01-01'),
    (gen_random_uuid(), 'us-east-1', 'cross_az_gb', 0, 0.01, 'https://aws.amazon.com/ec2/pricing/on-demand/#Data_Transfer', DATE '2025-01-01'),
    (gen_random_uuid(), 'us-east-1', 'regional_public_gb', 0, 0.01, 'https://aws.amazon.com/ec2/pricing/on-demand/#Data_Transfer', DATE '2025-01-01'),
    (gen_random_uuid(), 'us-east-1', 'inter_region_gb', 0, 0.02, 'https://aws.amazon.com/ec2/pricing/on-demand/#Data_Transfer', DATE '2025-01-01'),
    (gen_random_uuid(), 'us-east-1', 'interface_endpoint_gb', 0, 0.01, 'https://aws.amazon.com/privatelink/pricing/', DATE '2025-01-01'),
    (gen_random_uuid(), 'us-east-1', 'interface_endpoint_hour', 0, 0.01, 'https://aws.amazon.com/privatelink/pricing/', DATE '2025-01-01'),
    (gen_random_uuid(), 'us-east-1', 'transit_gateway_gb', 0, 0.02, 'https://aws.amazon.com/transit-gateway/pricing/', DATE '2025-01-01'),
    (gen_random_uuid(), 'us-east-1', 'transit_gateway_hour', 0, 0.05, 'https://aws.amazon.com/transit-gateway/pricing/', DATE '2025-01-01'),
    (gen_random_uuid(), 'us-east-1', 'gateway_endpoint_gb', 0, 0, 'https://aws.amazon.com/vpc/pricing/', DATE '2025-01-01'),
    (gen_random_uuid(), 'eu-west-1', 'internet_egress_gb', 0, 0.09, 'https://aws.amazon.com/ec2/pricing/on-demand/#Data_Transfer', DATE '2025-01-01'),
    (gen_random_uuid(), 'eu-west-1', 'internet_egress_gb', 10240, 0.085, 'https://aws.amazon.com/ec2/pricing/on-demand/#Data_Transfer', DATE '2025-01-01'),
    (gen_random_uuid(), 'eu-west-1', 'internet_egress_gb', 51200, 0.07, 'https://aws.amazon.com/ec2/pricing/on-demand/#Data_Transfer', DATE '2025-01-01'),
    (gen_random_uuid(), 'eu-west-1', 'internet_egress_gb', 153600, 0.05, 'https://aws.amazon.com/ec2/pricing/on-demand/#Data_Transfer', DATE '2025-01-01'),
    (gen_random_uuid(), 'eu-west-1', 'nat_gateway_gb', 0, 0.048, 'https://aws.amazon.com/vpc/pricing/', DATE '2025-01-01'),
    (gen_random_uuid(), 'eu-west-1', 'nat_gateway_hour', 0, 0.048, 'https://aws.amazon.com/vpc/pricing/', DATE '2025-01-01'),
    (gen_random_uuid(), 'eu-west-1', 'cross_az_gb', 0, 0.01, 'https://aws.amazon.com/ec2/pricing/on-demand/#Data_Transfer', DATE '2025-01-01'),
    (gen_random_uuid(), 'eu-west-1', 'regional_public_gb', 0, 0.01, 'https://aws.amazon.com/ec2/pricing/on-demand/#Data_Transfer', DATE '2025-01-01'),
    (gen_random_uuid(), 'eu-west-1', 'inter_region_gb', 0, 0.02, 'https://aws.amazon.com/ec2/pricing/on-demand/#Data_Transfer', DATE '2025-01-01'),
    (gen_random_uuid(), 'eu-west-1', 'interface_endpoint_gb', 0, 0.01, 'https://aws.amazon.com/privatelink/pricing/', DATE '2025-01-01'),
    (gen_random_uuid(), 'eu-west-1', 'interface_endpoint_hour', 0, 0.011, 'https://aws.amazon.com/privatelink/pricing/', DATE '2025-01-01'),
    (gen_random_uuid(), 'eu-west-1', 'transit_gateway_gb', 0, 0.02, 'https://aws.amazon.com/transit-gateway/pricing/', DATE '2025-01-01'),
    (gen_random_uuid(), 'eu-west-1', 'transit_gateway_hour', 0, 0.05, 'https://aws.amazon.com/transit-gateway/pricing/', DATE '2025-01-01'),
    (gen_random_uuid(), 'eu-west-1', 'gateway_endpoint_gb', 0, 0, 'https://aws.amazon.com/vpc/pricing/', DATE '2025-01-01'),
    (gen_random_uuid(), 'eu-west-3', 'internet_egress_gb', 0, 0.09, 'https://aws.amazon.com/ec2/pricing/on-demand/#Data_Transfer', DATE '2025-01-01'),
    (gen_random_uuid(), 'eu-west-3', 'internet_egress_gb', 10240, 0.085, 'https://aws.amazon.com/ec2/pricing/on-demand/#Data_Transfer', DATE '2025-01-01'),
    (gen_random_uuid(), 'eu-west-3', 'internet_egress_gb', 51200, 0.07, 'https://aws.amazon.com/ec2/pricing/on-demand/#Data_Transfer', DATE '2025-01-01'),
    (gen_random_uuid(), 'eu-west-3', 'internet_egress_gb', 153600, 0.05, 'https://aws.amazon.com/ec2/pricing/on-demand/#Data_Transfer', DATE '2025-01-01'),
    (gen_random_uuid(), 'eu-west-3', 'nat_gateway_gb', 0, 0.048, 'https://aws.amazon.com/vpc/pricing/', DATE '2025-01-01'),
    (gen_random_uuid(), 'eu-west-3', 'nat_gateway_hour', 0, 0.048, 'https://aws.amazon.com/vpc/pricing/', DATE '2025-01-01'),
    (gen_random_uuid(), 'eu-west-3', 'cross_az_gb', 0, 0.01, 'https://aws.amazon.com/ec2/pricing/on-demand/#Data_Transfer', DATE '2025-01-01'),
    (gen_random_uuid(), 'eu-west-3', 'regional_public_gb', 0, 0.01, 'https://aws.amazon.com/ec2/pricing/on-demand/#Data_Transfer', DATE '2025-01-01'),
    (gen_random_uuid(), 'eu-west-3', 'inter_region_gb', 0, 0.02, 'https://aws.amazon.com/ec2/pricing/on-demand/#Data_Transfer', DATE '2025-01-01'),
    (gen_random_uuid(), 'eu-west-3', 'interface_endpoint_gb', 0, 0.01, 'https://aws.amazon.com/privatelink/pricing/', DATE '2025-01-01'),
    (gen_random_uuid(), 'eu-west-3', 'interface_endpoint_hour', 0, 0.012, 'https://aws.amazon.com/privatelink/pricing/', DATE '2025-01-01'),
    (gen_random_uuid(), 'eu-west-3', 'transit_gateway_gb', 0, 0.02, 'https://aws.amazon.com/transit-gateway/pricing/', DATE '2025-01-01'),
    (gen_random_uuid(), 'eu-west-3', 'transit_gateway_hour', 0, 0.05, 'https://aws.amazon.com/transit-gateway/pricing/', DATE '2025-01-01'),
    (gen_random_uuid(), 'eu-west-3', 'gateway_endpoint_gb', 0, 0, 'https://aws.amazon.com/vpc/pricing/', DATE '2025-01-01');
