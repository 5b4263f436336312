// Stripe events → licenses (PRODUCT.md §10), inside the transaction that records the event:
// - checkout.session.completed (paid or no payment needed; otherwise async_payment_succeeded):
//   a license for the session's customer, product from metadata.product_id, the `prices` entry of
//   metadata.price_id or default_product_id; a subscription when the session has one, else
//   perpetual; the key emailed unless send_license_email is off.
// - invoice.paid: the subscription's license runs to the paid period's end; a billing suspension
//   is lifted.
// - customer.subscription.updated: unpaid, paused or incomplete_expired suspend it for billing;
//   active or trialing reinstate what billing suspended; cancel_at_period_end sets the expiry.
// - customer.subscription.deleted: the license expires.
// Per subscription, an event older (by `created`) than the last one applied is ignored, and a
// deleted subscription takes nothing more.
import type { AuditSource } from '../audit/audit.service';
import type { Environment, StripeIntegration } from '../../prisma/generated/client/client';
import type { Staged, Tx } from '../db/commit';
import type { Deps } from '../deps';
import { validationError } from '../lib/errors';
import type { Tenant } from '../lib/principal';
import {
  billingEnd,
  billingReinstate,
  billingRenew,
  billingSetExpiry,
  billingSuspend,
} from '../licensing/billing.service';
import { CreateLicenseInput } from '../licensing/licenses.schemas';
import { insertLicense } from '../licensing/licenses.service';
import { pricesOf } from './stripe.service';
import {
  idOf,
  invoicePeriodEnd,
  invoiceSubscription,
  type Obj,
  obj,
  positiveInt,
  str,
  subscriptionPeriodEnd,
} from './stripe-objects';

export interface StripeEvent {
  id: string;
  type: string;
  created: Date;
  object: Obj;
}

/** What an event came to: `applied` (it took effect) or ignored, and why (stored with the event). */
export interface Applied {
  applied: boolean;
  outcome: string;
  licenseId?: string | null;
}

const ignored = (outcome: string, licenseId?: string | null): Applied => ({
  applied: false,
  outcome,
  licenseId,
});

interface SubscriptionRow {
  licenseId: string | null;
  lastEventAt: Date;
  currentPeriodEnd: Date | null;
  deleted: boolean;
}

/** The subscription's row, created if new and locked for this transaction (events of one
 * subscription apply one at a time, in any order they arrive). */
async function lockSubscription(tx: Tx, tenant: Tenant, id: string): Promise<SubscriptionRow> {
  await tx.$executeRawUnsafe(
    `INSERT INTO "StripeSubscription" ("accountId", environment, id, "lastEventAt", "updatedAt")
     VALUES ($1, $2::"Environment", $3, to_timestamp(0), now()) ON CONFLICT DO NOTHING`,
    tenant.accountId,
    tenant.environment,
    id,
  );
  const [row] = await tx.$queryRawUnsafe<SubscriptionRow[]>(
    `SELECT "licenseId", "lastEventAt", "currentPeriodEnd", deleted FROM "StripeSubscription"
     WHERE "accountId" = $1 AND environment = $2::"Environment" AND id = $3 FOR UPDATE`,
    tenant.accountId,
    tenant.environment,
    id,
  );
  return row!;
}

const saveSubscription = (tx: Tx, tenant: Tenant, id: string, data: Partial<SubscriptionRow>) =>
  tx.stripeSubscription.update({ where: { accountId_environment_id: { ...tenant, id } }, data });

/** The license of a subscription: the one recorded, or one made before (by the seed's snippet)
 * that names it in its metadata. */
async function licenseOf(tx: Tx, tenant: Tenant, subscriptionId: string, row: SubscriptionRow) {
  if (row.licenseId) return row.licenseId;
  const l = await tx.license.findFirst({
    where: { ...tenant, metadata: { path: ['stripeSubscriptionId'], equals: subscriptionId } },
    orderBy: { createdAt: 'asc' },
    select: { id: true },
  });
  return l?.id ?? null;
}

async function checkout(
  deps: Deps,
  tx: Tx,
  staged: Staged,
  integration: StripeIntegration,
  ev: StripeEvent,
  source: AuditSource,
) {
  const tenant = { accountId: integration.accountId, environment: integration.environment };
  const session = ev.object;
  const paid = ['paid', 'no_payment_required'].includes(str(session.payment_status) ?? '');
  if (ev.type === 'checkout.session.completed' && !paid) return ignored('awaiting_payment');
  const sessionId = idOf(session);
  if (!sessionId) throw validationError('The checkout session has no id');
  const existing = await tx.license.findFirst({
    where: { ...tenant, metadata: { path: ['stripeCheckoutSessionId'], equals: sessionId } },
    select: { id: true },
  });
  if (existing) return ignored('license_exists', existing.id);

  const meta = obj(session.metadata) ?? {};
  const entry = pricesOf(integration)[str(meta.price_id) ?? ''];
  const productId = str(meta.product_id) ?? entry?.productId ?? integration.defaultProductId;
  // An error answer makes Stripe retry, so a checkout made before the configuration was complete is
  // not lost: fix the configuration and the retry creates the license.
  if (!productId) {
    throw validationError(
      'No product for this checkout: set metadata.product_id, a prices entry or default_product_id',
    );
  }
  const subscriptionId = idOf(session.subscription);
  const email = str(obj(session.customer_details)?.email) ?? str(session.customer_email);
  const type = entry?.type ?? (subscriptionId ? 'subscription' : 'perpetual');
  const row = subscriptionId ? await lockSubscription(tx, tenant, subscriptionId) : null;
  const metadata = Object.fromEntries(
    Object.entries({
      stripeCustomerId: idOf(session.customer),
      stripeSubscriptionId: subscriptionId,
      stripeCheckoutSessionId: sessionId,
    }).filter(([, v]) => v !== null),
  );
  const input = CreateLicenseInput.safeParse({
    productId,
    type,
    email,
    metadata,
    plan: str(meta.plan) ?? entry?.plan,
    maxActivations: positiveInt(meta.max_activations) ?? entry?.maxActivations,
    // A subscription runs to the period its invoice paid for (invoice.paid may come first); until
    // one is known it has no fixed expiry, rather than one nothing would renew.
    ...(type === 'subscription' ? { expiresAt: row?.currentPeriodEnd ?? null } : {}),
    sendEmail: Boolean(email) && integration.sendLicenseEmail,
  });
  if (!input.success)
    throw validationError(`The checkout session cannot make a license: ${input.error.issues[0]!.message}`);
  const license = await insertLicense(deps, tx, staged, source, input.data);
  if (subscriptionId && row) {
    await saveSubscription(tx, tenant, subscriptionId, {
      licenseId: license.id,
      lastEventAt: ev.created > row.lastEventAt ? ev.created : row.lastEventAt,
    });
  }
  return { applied: true, outcome: 'license_created', licenseId: license.id };
}

type SubscriptionStep = (licenseId: string) => Promise<unknown>;

/** The per-subscription frame of invoice.paid and customer.subscription.*: lock, drop stale and
 * post-deletion events, record the event's time (and period), then apply `step` to its license. */
async function forSubscription(
  tx: Tx,
  tenant: Tenant,
  ev: StripeEvent,
  subscriptionId: string,
  change: { periodEnd?: Date | null; deleted?: boolean },
  step: SubscriptionStep,
): Promise<Applied> {
  const row = await lockSubscription(tx, tenant, subscriptionId);
  if (row.deleted) return ignored('subscription_deleted', row.licenseId);
  if (ev.created < row.lastEventAt) return ignored('stale', row.licenseId);
  const licenseId = await licenseOf(tx, tenant, subscriptionId, row);
  await saveSubscription(tx, tenant, subscriptionId, {
    licenseId,
    lastEventAt: ev.created,
    ...(change.periodEnd ? { currentPeriodEnd: change.periodEnd } : {}),
    ...(change.deleted ? { deleted: true } : {}),
  });
  // Known before its license exists (invoice.paid often precedes the checkout event): kept for it.
  if (!licenseId) return { applied: true, outcome: 'recorded_for_license_to_come' };
  await step(licenseId);
  return { applied: true, outcome: 'applied', licenseId };
}

const SUSPENDS = ['unpaid', 'paused', 'incomplete_expired'];
const REINSTATES = ['active', 'trialing'];

export async function applyStripeEvent(
  deps: Deps,
  tx: Tx,
  staged: Staged,
  integration: StripeIntegration,
  ev: StripeEvent,
  source: AuditSource,
): Promise<Applied> {
  const tenant = { accountId: integration.accountId, environment: integration.environment as Environment };
  const o = ev.object;
  switch (ev.type) {
    case 'checkout.session.completed':
    case 'checkout.session.async_payment_succeeded':
      return checkout(deps, tx, staged, integration, ev, source);
    case 'invoice.paid': {
      const sub = invoiceSubscription(o);
      if (!sub) return ignored('not_a_subscription_invoice');
      const periodEnd = invoicePeriodEnd(o);
      return forSubscription(tx, tenant, ev, sub, { periodEnd }, (id) =>
        billingRenew(deps, tx, staged, id, periodEnd),
      );
    }
    case 'customer.subscription.updated': {
      const sub = idOf(o);
      if (!sub) return ignored('no_subscription_id');
      const periodEnd = subscriptionPeriodEnd(o);
      const status = str(o.status) ?? '';
      return forSubscription(tx, tenant, ev, sub, { periodEnd }, async (id) => {
        if (SUSPENDS.includes(status)) await billingSuspend(deps, tx, staged, id);
        else if (REINSTATES.includes(status)) await billingReinstate(deps, tx, staged, id);
        if (o.cancel_at_period_end === true && periodEnd)
          await billingSetExpiry(deps, tx, staged, id, periodEnd);
      });
    }
    case 'customer.subscription.deleted': {
      const sub = idOf(o);
      if (!sub) return ignored('no_subscription_id');
      return forSubscription(tx, tenant, ev, sub, { deleted: true }, (id) =>
        billingEnd(deps, tx, staged, id),
      );
    }
    default:
      return ignored('unhandled_type');
  }
}
