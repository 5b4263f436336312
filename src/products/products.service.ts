import type { Prisma, Product } from '../../prisma/generated/client/client';
import type { Tenant } from '../auth/principal';
import type { Deps } from '../deps';
import { AppError, notFound } from '../lib/errors';
import { newId } from '../lib/ids';
import type { PageWindow } from '../lib/pagination';

export interface ProductInput {
  name: string;
  platforms?: string[];
  metadata?: Record<string, unknown>;
  offlineGracePeriod?: number;
  leaseDuration?: number;
}

export function productJson(p: Product) {
  return {
    id: p.id,
    name: p.name,
    platforms: p.platforms,
    metadata: p.metadata ?? {},
    offlineGracePeriod: p.offlineGracePeriod,
    leaseDuration: p.leaseDuration,
    createdAt: p.createdAt.toISOString(),
    updatedAt: p.updatedAt.toISOString(),
  };
}

const scoped = (t: Tenant) => ({ accountId: t.accountId, environment: t.environment });

export async function createProduct(deps: Deps, tenant: Tenant, input: ProductInput): Promise<Product> {
  return deps.prisma.product.create({
    data: {
      id: newId('prod'),
      ...scoped(tenant),
      name: input.name,
      platforms: input.platforms ?? [],
      metadata: (input.metadata ?? {}) as Prisma.InputJsonValue,
      ...(input.offlineGracePeriod !== undefined ? { offlineGracePeriod: input.offlineGracePeriod } : {}),
      ...(input.leaseDuration !== undefined ? { leaseDuration: input.leaseDuration } : {}),
    },
  });
}

export async function getProduct(deps: Deps, tenant: Tenant, id: string): Promise<Product> {
  const p = await deps.prisma.product.findFirst({ where: { id, ...scoped(tenant) } });
  if (!p) throw notFound('Product');
  return p;
}

export async function listProducts(deps: Deps, tenant: Tenant, w: PageWindow) {
  const where = scoped(tenant);
  const [data, total] = await Promise.all([
    deps.prisma.product.findMany({
      where,
      orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
      skip: w.skip,
      take: w.take,
    }),
    deps.prisma.product.count({ where }),
  ]);
  return { data, total };
}

export async function updateProduct(
  deps: Deps,
  tenant: Tenant,
  id: string,
  input: Partial<ProductInput>,
): Promise<Product> {
  await getProduct(deps, tenant, id);
  const p = await deps.prisma.product.update({
    where: { id },
    data: {
      ...(input.name !== undefined ? { name: input.name } : {}),
      ...(input.platforms !== undefined ? { platforms: input.platforms } : {}),
      ...(input.metadata !== undefined ? { metadata: input.metadata as Prisma.InputJsonValue } : {}),
      ...(input.offlineGracePeriod !== undefined ? { offlineGracePeriod: input.offlineGracePeriod } : {}),
      ...(input.leaseDuration !== undefined ? { leaseDuration: input.leaseDuration } : {}),
    },
  });
  // Cached licenses carry their product's grace and lease settings.
  deps.licenseCache.clear();
  return p;
}

/** A product with licenses cannot be deleted (409 CONFLICT): revoke or move the licenses first. */
export async function deleteProduct(deps: Deps, tenant: Tenant, id: string): Promise<Product> {
  const p = await getProduct(deps, tenant, id);
  const count = await deps.prisma.license.count({ where: { productId: id } });
  if (count > 0) throw new AppError('CONFLICT', `Product has ${count} license(s); it cannot be deleted`);
  await deps.prisma.product.delete({ where: { id } });
  return p;
}
