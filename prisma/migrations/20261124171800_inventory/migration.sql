-- CreateEnum
CREATE TYPE "InterfaceAddressKind" AS ENUM ('private_ipv4', 'public_ipv4', 'ipv6', 'ipv4_prefix', 'ipv6_prefix');

-- CreateTable
CREATE TABLE "aws_accounts" (
    "id" TEXT NOT NULL,
    "name" TEXT,
    "environment" TEXT,
    "team" TEXT,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "aws_accounts_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "vpcs" (
    "id" TEXT NOT NULL,
    "account_id" TEXT NOT NULL,
    "region" TEXT,
    "name" TEXT,
    "cidr_blocks" TEXT[],
    "ipv6_cidr_blocks" TEXT[],
    "is_default" BOOLEAN NOT NULL DEFAULT false,
    "state" TEXT,
    "tags" JSONB NOT NULL DEFAULT '{}',
    "first_seen" TIMESTAMPTZ(3) NOT NULL,
    "last_seen" TIMESTAMPTZ(3) NOT NULL,
    "deleted_at" TIMESTAMPTZ(3),

    CONSTRAINT "vpcs_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "subnets" (
    "id" TEXT NOT NULL,
    "vpc_id" TEXT NOT NULL,
    "account_id" TEXT NOT NULL,
    "region" TEXT NOT NULL,
    "availability_zone" TEXT NOT NULL,
    "availability_zone_id" TEXT,
    "cidr_block" TEXT,
    "ipv6_cidr_blocks" TEXT[],
    "name" TEXT,
    "tags" JSONB NOT NULL DEFAULT '{}',
    "first_seen" TIMESTAMPTZ(3) NOT NULL,
    "last_seen" TIMESTAMPTZ(3) NOT NULL,
    "deleted_at" TIMESTAMPTZ(3),

    CONSTRAINT "subnets_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "network_interfaces" (
    "id" TEXT NOT NULL,
    "account_id" TEXT NOT NULL,
    "region" TEXT NOT NULL,
    "vpc_id" TEXT NOT NULL,
    "subnet_id" TEXT,
    "availability_zone" TEXT,
    "interface_type" TEXT NOT NULL,
    "description" TEXT NOT NULL DEFAULT '',
    "requester_managed" BOOLEAN NOT NULL DEFAULT false,
    "requester_id" TEXT,
    "status" TEXT,
    "mac_address" TEXT,
    "private_dns_name" TEXT,
    "private_ip" TEXT,
    "public_ip" TEXT,
    "instance_id" TEXT,
    "instance_owner_id" TEXT,
    "attachment_id" TEXT,
    "attachment_status" TEXT,
    "security_groups" JSONB NOT NULL DEFAULT '[]',
    "tags" JSONB NOT NULL DEFAULT '{}',
    "first_seen" TIMESTAMPTZ(3) NOT NULL,
    "last_seen" TIMESTAMPTZ(3) NOT NULL,
    "deleted_at" TIMESTAMPTZ(3),

    CONSTRAINT "network_interfaces_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "interface_addresses" (
    "id" BIGSERIAL NOT NULL,
    "interface_id" TEXT NOT NULL,
    "address" TEXT NOT NULL,
    "kind" "InterfaceAddressKind" NOT NULL,
    "primary" BOOLEAN NOT NULL DEFAULT false,
    "first_seen" TIMESTAMPTZ(3) NOT NULL,
    "last_seen" TIMESTAMPTZ(3) NOT NULL,
    "removed_at" TIMESTAMPTZ(3),

    CONSTRAINT "interface_addresses_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "services" (
    "id" UUID NOT NULL,
    "name" TEXT NOT NULL,
    "team" TEXT,
    "description" TEXT,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "services_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "known_networks" (
    "id" UUID NOT NULL,
    "cidr" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "category" TEXT NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "known_networks_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "aws_ip_ranges" (
    "id" BIGSERIAL NOT NULL,
    "prefix" TEXT NOT NULL,
    "service" TEXT NOT NULL,
    "region" TEXT NOT NULL,
    "network_border_group" TEXT,

    CONSTRAINT "aws_ip_ranges_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "service_mapping_rules" (
    "id" UUID NOT NULL,
    "position" INTEGER NOT NULL,
    "name" TEXT NOT NULL,
    "enabled" BOOLEAN NOT NULL DEFAULT true,
    "tag_key" TEXT,
    "tag_value" TEXT,
    "description_pattern" TEXT,
    "interface_type" TEXT,
    "requester_managed" BOOLEAN,
    "account_id" TEXT,
    "vpc_id" TEXT,
    "subnet_id" TEXT,
    "cidr" TEXT,
    "security_group" TEXT,
    "service" TEXT NOT NULL,
    "team" TEXT,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "service_mapping_rules_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "flow_log_formats" (
    "flow_log_id" TEXT NOT NULL,
    "format" TEXT NOT NULL,
    "source" TEXT NOT NULL,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "flow_log_formats_pkey" PRIMARY KEY ("flow_log_id")
);

-- CreateTable
CREATE TABLE "inventory_imports" (
    "id" UUID NOT NULL,
    "file_name" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "observed_at" TIMESTAMPTZ(3) NOT NULL,
    "imported_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "imported_by" TEXT NOT NULL,
    "summary" JSONB NOT NULL DEFAULT '{}',

    CONSTRAINT "inventory_imports_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "inventory_stamp" (
    "id" INTEGER NOT NULL DEFAULT 1,
    "version" INTEGER NOT NULL DEFAULT 0,
    "changed_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "inventory_stamp_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "vpcs_account_id_idx" ON "vpcs"("account_id");

-- CreateIndex
CREATE INDEX "subnets_vpc_id_idx" ON "subnets"("vpc_id");

-- CreateIndex
CREATE INDEX "network_interfaces_vpc_id_idx" ON "network_interfaces"("vpc_id");

-- CreateIndex
CREATE INDEX "network_interfaces_account_id_region_idx" ON "network_interfaces"("account_id", "region");

-- CreateIndex
CREATE INDEX "interface_addresses_interface_id_idx" ON "interface_addresses"("interface_id");

-- CreateIndex
CREATE INDEX "interface_addresses_address_idx" ON "interface_addresses"("address");

-- CreateIndex
CREATE UNIQUE INDEX "services_name_key" ON "services"("name");

-- CreateIndex
CREATE UNIQUE INDEX "known_networks_cidr_key" ON "known_networks"("cidr");

-- CreateIndex
CREATE INDEX "aws_ip_ranges_prefix_idx" ON "aws_ip_ranges"("prefix");

-- CreateIndex
CREATE INDEX "service_mapping_rules_position_idx" ON "service_mapping_rules"("position");

-- CreateIndex
CREATE INDEX "inventory_imports_imported_at_idx" ON "inventory_imports"("imported_at");

-- AddForeignKey
ALTER TABLE "interface_addresses" ADD CONSTRAINT "interface_addresses_interface_id_fkey" FOREIGN KEY ("interface_id") REFERENCES "network_interfaces"("id") ON DELETE CASCADE ON UPDATE CASCADE;
