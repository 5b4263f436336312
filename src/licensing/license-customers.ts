// Which customer a license belongs to: the one named by id, or by email (created if new), or, for a
// new license without either, the one its metadata points at (an address in it, or the customer
// already known for its Stripe customer id).
import type { Prisma } from '../../prisma/generated/client/client';
import { upsertCustomerByEmail } from '../customers/customers.service';
import type { Tx } from '../db/commit';
import { notFound } from '../lib/errors';
import { inTenant, type Tenant } from '../lib/principal';

/** The customer a license is linked to: by id (it must exist here), or by email (created if new). */
export async function customerFor(tx: Tx, tenant: Tenant, input: { customerId?: string; email?: string }) {
  if (input.customerId) {
    const c = await tx.customer.findFirst({ where: { id: input.customerId, ...inTenant(tenant) } });
    if (!c) throw notFound('Customer');
    return c.id;
  }
  if (input.email) return (await upsertCustomerByEmail(tx, tenant, input.email)).id;
  return undefined;
}

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
const str = (v: unknown) => (typeof v === 'string' && v.trim() !== '' ? v.trim() : undefined);

/** A new license without `email` or `customerId` finds its customer another way: an address in its
 * metadata (`email`, `customerEmail`, `customer_email`), else the customer already known for its
 * `metadata.stripeCustomerId` (a Stripe checkout whose `customer_email` is null). */
export async function customerFromMetadata(tx: Tx, tenant: Tenant, metadata: Record<string, unknown>) {
  const address = [metadata.email, metadata.customerEmail, metadata.customer_email]
    .map(str)
    .find((v) => v !== undefined && EMAIL.test(v));
  if (address) return (await upsertCustomerByEmail(tx, tenant, address)).id;
  const stripeCustomer = str(metadata.stripeCustomerId);
  if (!stripeCustomer) return undefined;
  const known = await tx.customer.findFirst({
    where: { ...inTenant(tenant), metadata: { path: ['stripeCustomerId'], equals: stripeCustomer } },
    select: { id: true },
  });
  if (known) return known.id;
  const sibling = await tx.license.findFirst({
    where: {
      ...inTenant(tenant),
      customerId: { not: null },
      metadata: { path: ['stripeCustomerId'], equals: stripeCustomer },
    },
    select: { customerId: true },
  });
  return sibling?.customerId ?? undefined;
}

/** Remembers a customer's Stripe id on the customer, so later licenses for it find them. */
export async function rememberStripeCustomer(tx: Tx, customerId: string, metadata: Record<string, unknown>) {
  const stripeCustomer = str(metadata.stripeCustomerId);
  if (!stripeCustomer) return;
  const c = await tx.customer.findUniqueOrThrow({ where: { id: customerId }, select: { metadata: true } });
  const meta = (c.metadata ?? {}) as Record<string, unknown>;
  if (meta.stripeCustomerId) return;
  await tx.customer.update({
    where: { id: customerId },
    data: { metadata: { ...meta, stripeCustomerId: stripeCustomer } as Prisma.InputJsonValue },
  });
}
