import type { Customer, Prisma } from '../../prisma/generated/client/client';
import type { Tenant } from '../auth/principal';
import type { Deps } from '../deps';
import { isUniqueViolation } from '../db/errors';
import type { Tx } from '../events/events.service';
import { AppError, notFound } from '../lib/errors';
import { newId } from '../lib/ids';
import type { PageWindow } from '../lib/pagination';

export interface CustomerInput {
  email: string;
  name?: string | null;
  metadata?: Record<string, unknown>;
}

export function customerJson(c: Customer) {
  return {
    id: c.id,
    email: c.email,
    name: c.name,
    metadata: c.metadata ?? {},
    createdAt: c.createdAt.toISOString(),
    updatedAt: c.updatedAt.toISOString(),
  };
}

const scoped = (t: Tenant) => ({ accountId: t.accountId, environment: t.environment });
export const normalizeEmail = (e: string) => e.trim().toLowerCase();

/** Finds the tenant's customer with this email, creating it if needed. */
export async function upsertCustomerByEmail(tx: Tx, tenant: Tenant, email: string): Promise<Customer> {
  const e = normalizeEmail(email);
  return tx.customer.upsert({
    where: { accountId_environment_email: { ...scoped(tenant), email: e } },
    create: { id: newId('cus'), ...scoped(tenant), email: e },
    update: {},
  });
}

export async function createCustomer(deps: Deps, tenant: Tenant, input: CustomerInput): Promise<Customer> {
  const email = normalizeEmail(input.email);
  const existing = await deps.prisma.customer.findFirst({ where: { ...scoped(tenant), email } });
  if (existing) throw new AppError('CONFLICT', 'A customer with this email already exists');
  return deps.prisma.customer.create({
    data: {
      id: newId('cus'),
      ...scoped(tenant),
      email,
      name: input.name ?? null,
      metadata: (input.metadata ?? {}) as Prisma.InputJsonValue,
    },
  });
}

export async function getCustomer(deps: Deps, tenant: Tenant, id: string): Promise<Customer> {
  const c = await deps.prisma.customer.findFirst({ where: { id, ...scoped(tenant) } });
  if (!c) throw notFound('Customer');
  return c;
}

export async function listCustomers(deps: Deps, tenant: Tenant, filter: { email?: string }, w: PageWindow) {
  const where = { ...scoped(tenant), ...(filter.email ? { email: normalizeEmail(filter.email) } : {}) };
  const [data, total] = await Promise.all([
    deps.prisma.customer.findMany({
      where,
      orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
      skip: w.skip,
      take: w.take,
    }),
    deps.prisma.customer.count({ where }),
  ]);
  return { data, total };
}

export async function updateCustomer(
  deps: Deps,
  tenant: Tenant,
  id: string,
  input: Partial<CustomerInput>,
): Promise<Customer> {
  await getCustomer(deps, tenant, id);
  try {
    const c = await deps.prisma.customer.update({
      where: { id },
      data: {
        ...(input.email !== undefined ? { email: normalizeEmail(input.email) } : {}),
        ...(input.name !== undefined ? { name: input.name } : {}),
        ...(input.metadata !== undefined ? { metadata: input.metadata as Prisma.InputJsonValue } : {}),
      },
    });
    deps.licenseCache.clear();
    return c;
  } catch (err) {
    if (isUniqueViolation(err)) throw new AppError('CONFLICT', 'A customer with this email already exists');
    throw err;
  }
}

export async function deleteCustomer(deps: Deps, tenant: Tenant, id: string): Promise<Customer> {
  const c = await getCustomer(deps, tenant, id);
  await deps.prisma.customer.delete({ where: { id } });
  deps.licenseCache.clear();
  return c;
}
