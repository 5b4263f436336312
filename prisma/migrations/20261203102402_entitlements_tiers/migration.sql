-- AlterTable
ALTER TABLE "Product" ADD COLUMN     "tiers" JSONB NOT NULL DEFAULT '[]';

-- AlterTable
ALTER TABLE "License" ADD COLUMN     "entitlementCodes" TEXT[] DEFAULT ARRAY[]::TEXT[];

-- CreateTable
CREATE TABLE "Entitlement" (
    "id" TEXT NOT NULL,
    "accountId" TEXT NOT NULL,
    "environment" "Environment" NOT NULL,
    "code" TEXT NOT NULL,
    "normalizedCode" TEXT NOT NULL,
    "name" TEXT,
    "metadata" JSONB NOT NULL DEFAULT '{}',
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "Entitlement_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "ProductEntitlement" (
    "productId" TEXT NOT NULL,
    "entitlementId" TEXT NOT NULL,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "ProductEntitlement_pkey" PRIMARY KEY ("productId","entitlementId")
);

-- CreateTable
CREATE TABLE "LicenseEntitlement" (
    "licenseId" TEXT NOT NULL,
    "entitlementId" TEXT NOT NULL,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "LicenseEntitlement_pkey" PRIMARY KEY ("licenseId","entitlementId")
);

-- CreateIndex
CREATE INDEX "Entitlement_accountId_environment_createdAt_idx" ON "Entitlement"("accountId", "environment", "createdAt");

-- CreateIndex
CREATE UNIQUE INDEX "Entitlement_accountId_environment_normalizedCode_key" ON "Entitlement"("accountId", "environment", "normalizedCode");

-- CreateIndex
CREATE INDEX "ProductEntitlement_entitlementId_idx" ON "ProductEntitlement"("entitlementId");

-- CreateIndex
CREATE INDEX "LicenseEntitlement_entitlementId_idx" ON "LicenseEntitlement"("entitlementId");

-- AddForeignKey
ALTER TABLE "ProductEntitlement" ADD CONSTRAINT "ProductEntitlement_productId_fkey" FOREIGN KEY ("productId") REFERENCES "Product"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ProductEntitlement" ADD CONSTRAINT "ProductEntitlement_entitlementId_fkey" FOREIGN KEY ("entitlementId") REFERENCES "Entitlement"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "LicenseEntitlement" ADD CONSTRAINT "LicenseEntitlement_licenseId_fkey" FOREIGN KEY ("licenseId") REFERENCES "License"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "LicenseEntitlement" ADD CONSTRAINT "LicenseEntitlement_entitlementId_fkey" FOREIGN KEY ("entitlementId") REFERENCES "Entitlement"("id") ON DELETE CASCADE ON UPDATE CASCADE;
