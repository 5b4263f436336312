// Customers: the people licenses are issued to, one per email in each account and environment.
// Cached licenses carry their customer's email, so changing a customer drops every cached license.
import type { Customer, Prisma } from '../../prisma/generated/client/client';
import { commit, type Tx } from '../db/commit';
import { isUniqueViolation } from '../db/errors';
import type { Deps } from '../deps';
import { AppError, notFound } from '../lib/errors';
import { newId } from '../lib/ids';
import { listPage, type PageWindow } from '../lib/pagination';
import { type Caller, inTenant, type Tenant } from '../lib/principal';
import type { CreateCustomerInput, CustomerFilter, UpdateCustomerInput } from './customers.schemas';

export const normalizeEmail = (e: string) => e.trim().toLowerCase();

const duplicate = () => new AppError('CONFLICT', 'A customer with this email already exists');

/** Finds the tenant's customer with this email, creating it if needed. */
export async function upsertCustomerByEmail(tx: Tx, tenant: Tenant, email: string): Promise<Customer> {
  const e = normalizeEmail(email);
  return tx.customer.upsert({
    where: { accountId_environment_email: { ...inTenant(tenant), email: e } },
    create: { id: newId('cus'), ...inTenant(tenant), email: e },
    update: {},
  });
}

export function customerWhere(tenant: Tenant, f: CustomerFilter = {}): Prisma.CustomerWhereInput {
  return {
    ...inTenant(tenant),
    ...(f.email ? { email: normalizeEmail(f.email) } : {}),
    ...(f.search
      ? {
          OR: [
            { email: { contains: f.search.toLowerCase() } },
            { name: { contains: f.search, mode: 'insensitive' as const } },
          ],
        }
      : {}),
  };
}

export function createCustomer(deps: Deps, caller: Caller, input: CreateCustomerInput): Promise<Customer> {
  return commit(deps, async (tx) => {
    const email = normalizeEmail(input.email);
    if (await tx.customer.findFirst({ where: customerWhere(caller.tenant, { email }) })) throw duplicate();
    return tx.customer.create({
      data: {
        id: newId('cus'),
        ...inTenant(caller.tenant),
        email,
        name: input.name ?? null,
        metadata: (input.metadata ?? {}) as Prisma.InputJsonValue,
      },
    });
  });
}

export async function getCustomer(deps: Deps, caller: Caller, id: string): Promise<Customer> {
  const c = await deps.prisma.customer.findFirst({ where: { id, ...inTenant(caller.tenant) } });
  if (!c) throw notFound('Customer');
  return c;
}

export const listCustomers = (deps: Deps, caller: Caller, filter: CustomerFilter, w: PageWindow) =>
  listPage(deps.prisma.customer, customerWhere(caller.tenant, filter), w);

export async function updateCustomer(
  deps: Deps,
  caller: Caller,
  id: string,
  input: UpdateCustomerInput,
): Promise<Customer> {
  try {
    return await commit(deps, async (tx, staged) => {
      const current = await tx.customer.findFirst({ where: { id, ...inTenant(caller.tenant) } });
      if (!current) throw notFound('Customer');
      staged.invalidateAllLicenses();
      return tx.customer.update({
        where: { id },
        data: {
          ...(input.email !== undefined ? { email: normalizeEmail(input.email) } : {}),
          ...(input.name !== undefined ? { name: input.name } : {}),
          ...(input.metadata !== undefined ? { metadata: input.metadata as Prisma.InputJsonValue } : {}),
        },
      });
    });
  } catch (err) {
    if (isUniqueViolation(err)) throw duplicate();
    throw err;
  }
}

export function deleteCustomer(deps: Deps, caller: Caller, id: string): Promise<Customer> {
  return commit(deps, async (tx, staged) => {
    const c = await tx.customer.findFirst({ where: { id, ...inTenant(caller.tenant) } });
    if (!c) throw notFound('Customer');
    await tx.customer.delete({ where: { id } });
    staged.invalidateAllLicenses();
    return c;
  });
}
