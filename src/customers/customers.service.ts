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

/** Finds the tenant's customer with this email, creating it if needed. One `INSERT … ON CONFLICT
 * DO NOTHING` then a read: concurrent creates for one new email wait on the unique index and all
 * find the one row. (Prisma's upsert reads first and then inserts here, so ten concurrent license
 * creates for a new email lost nine races at the index on PostgreSQL.) */
export async function upsertCustomerByEmail(tx: Tx, tenant: Tenant, email: string): Promise<Customer> {
  const e = normalizeEmail(email);
  const { accountId, environment } = inTenant(tenant);
  await tx.$executeRaw`
    INSERT INTO "Customer" ("id", "accountId", "environment", "email", "updatedAt")
    VALUES (${newId('cus')}, ${accountId}, ${environment}::"Environment", ${e}, now())
    ON CONFLICT ("accountId", "environment", "email") DO NOTHING`;
  return tx.customer.findUniqueOrThrow({
    where: { accountId_environment_email: { accountId, environment, email: e } },
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

/** Creates a customer; an email the tenant already has is a 409, also when a concurrent create
 * of it wins the race (the unique index decides, src/db/errors.ts names the conflict). */
export function createCustomer(deps: Deps, caller: Caller, input: CreateCustomerInput): Promise<Customer> {
  return commit(deps, async (tx, staged) => {
    const email = normalizeEmail(input.email);
    if (await tx.customer.findFirst({ where: customerWhere(caller.tenant, { email }) })) throw duplicate();
    const customer = await tx.customer.create({
      data: {
        id: newId('cus'),
        ...inTenant(caller.tenant),
        email,
        name: input.name ?? null,
        metadata: (input.metadata ?? {}) as Prisma.InputJsonValue,
      },
    });
    staged.audit(caller, 'customer.created', { id: customer.id, after: customer });
    return customer;
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
      const customer = await tx.customer.update({
        where: { id },
        data: {
          ...(input.email !== undefined ? { email: normalizeEmail(input.email) } : {}),
          ...(input.name !== undefined ? { name: input.name } : {}),
          ...(input.metadata !== undefined ? { metadata: input.metadata as Prisma.InputJsonValue } : {}),
        },
      });
      staged.audit(caller, 'customer.updated', { id, before: current, after: customer });
      return customer;
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
    staged.audit(caller, 'customer.deleted', { id, before: c });
    return c;
  });
}
