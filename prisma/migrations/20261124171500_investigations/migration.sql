-- CreateEnum
CREATE TYPE "InvestigationStatus" AS ENUM ('open', 'resolved');

-- CreateTable
CREATE TABLE "investigations" (
    "id" UUID NOT NULL,
    "slug" TEXT NOT NULL,
    "title" TEXT NOT NULL,
    "notes" TEXT NOT NULL DEFAULT '',
    "status" "InvestigationStatus" NOT NULL DEFAULT 'open',
    "tags" TEXT[],
    "owner" TEXT NOT NULL,
    "archived" BOOLEAN NOT NULL DEFAULT false,
    "version" INTEGER NOT NULL DEFAULT 1,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "investigations_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "investigation_panels" (
    "id" UUID NOT NULL,
    "investigation_id" UUID NOT NULL,
    "position" INTEGER NOT NULL,
    "title" TEXT NOT NULL,
    "query" TEXT NOT NULL,
    "from" TIMESTAMPTZ(3) NOT NULL,
    "to" TIMESTAMPTZ(3) NOT NULL,
    "view" JSONB NOT NULL DEFAULT '{}',
    "snapshot" JSONB,
    "snapshot_at" TIMESTAMPTZ(3),

    CONSTRAINT "investigation_panels_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "pinned_flows" (
    "id" UUID NOT NULL,
    "investigation_id" UUID NOT NULL,
    "timestamp_ns" BIGINT NOT NULL,
    "line" TEXT NOT NULL,
    "labels" JSONB NOT NULL,
    "note" TEXT NOT NULL DEFAULT '',
    "pinned_by" TEXT NOT NULL,
    "pinned_at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "pinned_flows_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "investigation_events" (
    "id" UUID NOT NULL,
    "investigation_id" UUID NOT NULL,
    "actor" TEXT NOT NULL,
    "action" TEXT NOT NULL,
    "changes" JSONB NOT NULL DEFAULT '{}',
    "at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "investigation_events_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "investigations_slug_key" ON "investigations"("slug");

-- CreateIndex
CREATE INDEX "investigations_status_archived_updated_at_idx" ON "investigations"("status", "archived", "updated_at");

-- CreateIndex
CREATE UNIQUE INDEX "investigation_panels_investigation_id_position_key" ON "investigation_panels"("investigation_id", "position");

-- CreateIndex
CREATE UNIQUE INDEX "pinned_flows_investigation_id_timestamp_ns_line_key" ON "pinned_flows"("investigation_id", "timestamp_ns", "line");

-- CreateIndex
CREATE INDEX "investigation_events_investigation_id_at_idx" ON "investigation_events"("investigation_id", "at");

-- AddForeignKey
ALTER TABLE "investigation_panels" ADD CONSTRAINT "investigation_panels_investigation_id_fkey" FOREIGN KEY ("investigation_id") REFERENCES "investigations"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "pinned_flows" ADD CONSTRAINT "pinned_flows_investigation_id_fkey" FOREIGN KEY ("investigation_id") REFERENCES "investigations"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "investigation_events" ADD CONSTRAINT "investigation_events_investigation_id_fkey" FOREIGN KEY ("investigation_id") REFERENCES "investigations"("id") ON DELETE CASCADE ON UPDATE CASCADE;
