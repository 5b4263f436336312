-- AlterTable
ALTER TABLE "CustomDomain" ADD COLUMN     "firstRequestAt" TIMESTAMPTZ(3);
