// REST routes of the portal's licenses and their activations. `/api/v1/portal/licenses` is the same
// as `/api/v1/licenses` (the seed's Stripe example posts there).
import type { Deps } from '../deps';
import { PaginationQuery } from '../lib/pagination';
import { defineRoutes, listRoute, route } from '../rest/route';
import { deleteActivation, listActivations } from './activations.service';
import { SAMPLE_LICENSE } from './license-keys.rest';
import {
  CreateLicenseInput,
  ListLicensesQuery,
  RenewLicenseInput,
  UpdateLicenseInput,
} from './licenses.schemas';
import {
  createLicense,
  getLicense,
  listLicenses,
  type Transition,
  transitionLicense,
  updateLicense,
} from './licenses.service';
import { sendLicenseKey } from './license-emails';
import { activationJson, licenseJson } from './licenses.views';
import { emailJson } from '../email/email.views';

const TAG = 'Licenses';

/** The seed's Stripe example sends `product` and no `type`. Such a license is perpetual, unless its
 * metadata names a Stripe subscription: then it is a subscription with no fixed expiry, kept in step
 * by the Stripe integration (invoice.paid sets the paid period's end, a deleted subscription expires
 * it), so it never lapses on a date nothing renews. An explicit `type` or `expires_at` wins. */
function seedStripeBody(raw: Record<string, unknown>) {
  if (raw.product === undefined || raw.type !== undefined) return raw;
  const meta = raw.metadata as Record<string, unknown> | null | undefined;
  const sub = meta && typeof meta === 'object' ? meta.stripeSubscriptionId : undefined;
  if (typeof sub === 'string' && sub.trim() !== '') {
    return { ...raw, type: 'subscription', expires_at: raw.expires_at ?? null };
  }
  return { ...raw, type: 'perpetual' };
}

export function licenseRoutes(deps: Deps) {
  const createRoute = (path: string) =>
    route({
      method: 'post',
      path,
      access: 'portal',
      tag: TAG,
      summary:
        'Create a license (generated key, or import your own with `key`); `send_email: true` emails the key',
      body: CreateLicenseInput,
      aliases: { product: 'productId', customer_email: 'email' },
      rest: seedStripeBody,
      example: {
        request: {
          product_id: 'prod_123',
          type: 'subscription',
          max_activations: 3,
          email: 'buyer@example.com',
        },
        response: {
          license: { ...SAMPLE_LICENSE, key: 'ABCD-EFGH-IJKL-MNOP', type: 'subscription', maxActivations: 3 },
        },
        status: 201,
      },
      async handler(c, { caller, body }) {
        return c.json({ license: licenseJson(await createLicense(deps, caller, body), deps.now()) }, 201);
      },
    });
  const licenseList = (path: string) =>
    listRoute({
      path,
      tag: TAG,
      summary: 'List licenses (filters: status, type, product_id, customer_id, email)',
      query: ListLicensesQuery,
      defaultLimit: 25,
      list: ({ caller, query }, w) => listLicenses(deps, caller, query, w),
      json: (l) => licenseJson(l, deps.now()),
    });
  const transition = (action: Transition) =>
    route({
      method: 'post',
      path: `/api/v1/licenses/:id/${action}`,
      access: 'portal',
      tag: TAG,
      summary: `${action[0]!.toUpperCase()}${action.slice(1)} a license`,
      body: action === 'renew' ? RenewLicenseInput : undefined,
      async handler(c, { caller, params, body }) {
        const license = await transitionLicense(deps, caller, params.id!, action, body ?? {});
        return c.json({ license: licenseJson(license, deps.now()) });
      },
    });

  return defineRoutes([
    createRoute('/api/v1/licenses'),
    createRoute('/api/v1/portal/licenses'),
    licenseList('/api/v1/licenses'),
    licenseList('/api/v1/portal/licenses'),
    route({
      method: 'get',
      path: '/api/v1/licenses/:id',
      access: 'portal',
      tag: TAG,
      summary: 'Get a license',
      async handler(c, { caller, params }) {
        return c.json({ license: licenseJson(await getLicense(deps, caller, params.id!), deps.now()) });
      },
    }),
    route({
      method: 'patch',
      path: '/api/v1/licenses/:id',
      access: 'portal',
      tag: TAG,
      summary: 'Update a license',
      body: UpdateLicenseInput,
      async handler(c, { caller, params, body }) {
        const license = await updateLicense(deps, caller, params.id!, body);
        return c.json({ license: licenseJson(license, deps.now()) });
      },
    }),
    transition('suspend'),
    transition('reinstate'),
    transition('revoke'),
    transition('renew'),
    route({
      method: 'post',
      path: '/api/v1/licenses/:id/send-key',
      access: 'portal',
      tag: TAG,
      summary: "Email the license key to the license's customer (through the email outbox)",
      example: { status: 202 },
      async handler(c, { caller, params }) {
        return c.json({ email: emailJson(await sendLicenseKey(deps, caller, params.id!)) }, 202);
      },
    }),
    listRoute({
      path: '/api/v1/licenses/:id/activations',
      access: 'portal',
      tag: 'Activations',
      summary: "List a license's activations",
      query: PaginationQuery,
      list: ({ caller, params }, w) => listActivations(deps, caller, params.id!, w),
      json: activationJson,
    }),
    route({
      method: 'delete',
      path: '/api/v1/activations/:id',
      access: 'portal',
      tag: 'Activations',
      summary: 'Delete an activation (frees the seat)',
      async handler(c, { caller, params }) {
        const r = await deleteActivation(deps, caller, params.id!);
        return c.json({ deleted: true, activation: activationJson(r.activation) });
      },
    }),
  ]);
}
