-- The embedded log store (server/store/): Loki's data model on PostgreSQL, in its own schema.
-- Prisma's schema.prisma does not describe these tables; server/store/ reads and writes them.

CREATE SCHEMA IF NOT EXISTS "logstore";

-- One row per stream (tenant + label set). `fingerprint` is a hash of the canonical label text;
-- `max_ts` is the newest entry ever written (pushes entirely after it need no duplicate check).
CREATE TABLE "logstore"."streams" (
    "id" BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    "tenant" TEXT NOT NULL,
    "fingerprint" BYTEA NOT NULL,
    "labels" JSONB NOT NULL,
    "max_ts" BIGINT,
    "created_at" TIMESTAMPTZ NOT NULL DEFAULT now(),
    "pushed_at" TIMESTAMPTZ NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX "streams_tenant_fingerprint_key" ON "logstore"."streams" ("tenant", "fingerprint");
-- Label index for selector look-ups: `labels @> '{"name":"value"}'`.
CREATE INDEX "streams_labels_idx" ON "logstore"."streams" USING GIN ("labels" jsonb_path_ops);

-- Entries, many per row: a chunk holds entries of one stream within one UTC day, sorted by
-- timestamp (ns), packed and snappy-compressed by the store (server/store/chunk.ts).
-- Partitioned by day on min_ts so that retention drops whole partitions; the store creates
-- the partitions (chunks_YYYYMMDD) on demand.
CREATE SEQUENCE "logstore"."chunks_id_seq" AS BIGINT;
CREATE TABLE "logstore"."chunks" (
    "stream_id" BIGINT NOT NULL,
    "min_ts" BIGINT NOT NULL,
    "max_ts" BIGINT NOT NULL,
    "id" BIGINT NOT NULL DEFAULT nextval('"logstore"."chunks_id_seq"'),
    "entries" INTEGER NOT NULL,
    "bytes" BIGINT NOT NULL,
    "data" BYTEA NOT NULL,
    CONSTRAINT "chunks_pkey" PRIMARY KEY ("stream_id", "min_ts", "id") INCLUDE ("max_ts", "entries", "bytes")
) PARTITION BY RANGE ("min_ts");
-- The data is compressed already: keep PostgreSQL from compressing it again.
ALTER TABLE "logstore"."chunks" ALTER COLUMN "data" SET STORAGE EXTERNAL;
ALTER SEQUENCE "logstore"."chunks_id_seq" OWNED BY "logstore"."chunks"."id";
