-- AlterTable
ALTER TABLE "cost_rollups" ADD COLUMN     "via_kind" TEXT;
