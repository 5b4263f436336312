-- AlterTable
ALTER TABLE "UsageRecord" ADD COLUMN     "count" INTEGER NOT NULL DEFAULT 1;
