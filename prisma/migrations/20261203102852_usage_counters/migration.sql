-- CreateEnum
CREATE TYPE "UsesResetInterval" AS ENUM ('none', 'day', 'week', 'month');

-- AlterTable
ALTER TABLE "Product" ADD COLUMN     "maxUses" INTEGER,
ADD COLUMN     "usesResetInterval" "UsesResetInterval" NOT NULL DEFAULT 'none';

-- AlterTable
ALTER TABLE "License" ADD COLUMN     "maxUses" INTEGER,
ADD COLUMN     "uses" INTEGER NOT NULL DEFAULT 0,
ADD COLUMN     "usesPeriodStart" TIMESTAMPTZ(3),
ADD COLUMN     "usesResetInterval" "UsesResetInterval" NOT NULL DEFAULT 'none';

-- AlterTable
ALTER TABLE "UsageRecord" ADD COLUMN     "consumed" INTEGER NOT NULL DEFAULT 0;
