import { defineRoutes, listRoute, route } from '../http/route';
import { requireLicenseKey } from '../http/input';
import { PaginationQuery } from '../lib/pagination';
import type { Deps } from '../deps';
import {
  activateLicense,
  activationJson,
  deactivateLicense,
  deleteActivation,
  listActivations,
  validateLicense,
} from './activations.service';
import { heartbeat } from './leases.service';
import { licenseJson } from './license-view';
import { respondRateLimited } from '../http/edge';
import type { HttpCtx, Reply } from '../http/exchange';
import { AppError } from '../lib/errors';
import { LICENSE_NOT_FOUND } from './activations.service';
import {
  ActivateBody,
  CreateLicenseBody,
  DeactivateBody,
  ListLicensesQuery,
  RenewLicenseBody,
  UpdateLicenseBody,
  ValidateBody,
} from './licenses.schemas';
import {
  createLicense,
  getLicense,
  listLicenses,
  transitionLicense,
  updateLicense,
} from './licenses.service';
import { validationStatus } from './validation';

const SAMPLE_LICENSE = {
  id: 'lic_1234567890',
  key: 'XXXX-XXXX-XXXX-XXXX',
  status: 'active',
  type: 'perpetual',
  activations: 2,
  maxActivations: 5,
  expiresAt: null,
  metadata: {},
};

/** Key-enumeration guard for the public key routes: an IP with too many lookups of unknown keys
 * gets 429 before the lookup; each unknown key it tries counts. */
async function guarded(deps: Deps, c: HttpCtx, ip: string | null | undefined, fn: () => Promise<Reply>) {
  const who = ip ?? 'unknown';
  const blocked = await deps.limits.lookupsBlocked(who);
  if (blocked) return respondRateLimited(c, blocked, deps, 'lookup');
  try {
    return await fn();
  } catch (err) {
    if (err instanceof AppError && err.code === 'NOT_FOUND' && err.message === LICENSE_NOT_FOUND) {
      await deps.limits.failedLookup(who);
    }
    throw err;
  }
}

export function licenseRoutes(deps: Deps) {
  const createRoute = (path: string) =>
    route({
      method: 'post',
      path,
      access: 'portal',
      tag: 'Licenses',
      summary: 'Create a license (generated key, or import your own with `key`)',
      body: CreateLicenseBody,
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
      async handler(c, { tenant, body }) {
        const license = await createLicense(deps, tenant, body);
        return c.json({ license: licenseJson(license, deps.now()) }, 201);
      },
    });
  const licenseList = (path: string) =>
    listRoute({
      path,
      tag: 'Licenses',
      summary: 'List licenses (filters: status, type, product_id, customer_id, email)',
      query: ListLicensesQuery,
      defaultLimit: 25,
      list: ({ tenant, query }, w) =>
        listLicenses(
          deps,
          tenant,
          {
            status: query.status,
            type: query.type,
            productId: query.product_id,
            customerId: query.customer_id,
            email: query.email,
          },
          w,
        ),
      json: (l) => licenseJson(l, deps.now()),
    });
  const transition = (action: 'suspend' | 'reinstate' | 'revoke' | 'renew') =>
    route({
      method: 'post',
      path: `/api/v1/licenses/:id/${action}`,
      access: 'portal',
      tag: 'Licenses',
      summary: `${action[0]!.toUpperCase()}${action.slice(1)} a license`,
      body: action === 'renew' ? RenewLicenseBody : undefined,
      async handler(c, { tenant, params, body }) {
        const b = body as { expires_at?: Date; expiresAt?: Date } | undefined;
        const license = await transitionLicense(deps, tenant, params.id!, action, {
          expiresAt: b?.expires_at ?? b?.expiresAt,
        });
        return c.json({ license: licenseJson(license, deps.now()) });
      },
    });

  return defineRoutes([
    route({
      method: 'post',
      path: '/api/v1/validate',
      access: 'public',
      tag: 'License keys',
      summary: 'Validate a license key',
      body: ValidateBody,
      example: {
        request: { license_key: 'XXXX-XXXX-XXXX-XXXX', domain: 'example.com' },
        response: {
          valid: true,
          code: 'VALID',
          license: SAMPLE_LICENSE,
          validatedAt: '2024-01-15T12:00:00Z',
        },
      },
      async handler(c, { body, caller }) {
        const key = requireLicenseKey(body);
        const blocked = await deps.limits.lookupsBlocked(caller.ip ?? 'unknown');
        if (blocked) return respondRateLimited(c, blocked, deps, 'lookup');
        const r = await validateLicense(deps, caller, key, {
          productId: body.product_id,
          machineId: body.machine_id,
          domain: body.domain,
        });
        deps.metrics.validations.inc({ code: r.code });
        if (r.code === 'NOT_FOUND') await deps.limits.failedLookup(caller.ip ?? 'unknown');
        return c.json(
          {
            valid: r.valid,
            code: r.code,
            license: r.license ? licenseJson(r.license, r.validatedAt) : null,
            validatedAt: r.validatedAt.toISOString(),
            ...(r.offline ? { offline: r.offline } : {}),
          },
          validationStatus(r.code) as 200,
        );
      },
    }),
    route({
      method: 'post',
      path: '/api/v1/activate',
      access: 'public',
      tag: 'License keys',
      summary: 'Activate a license on a device (idempotent per machine_id)',
      body: ActivateBody,
      example: {
        request: {
          license_key: 'XXXX-XXXX-XXXX-XXXX',
          machine_id: 'unique-device-fingerprint',
          label: 'Work laptop',
        },
        status: 201,
      },
      async handler(c, { body, caller }) {
        const key = requireLicenseKey(body);
        return guarded(deps, c, caller.ip, async () => {
          const r = await activateLicense(deps, caller, {
            key,
            machineId: body.machine_id,
            label: body.label,
            platform: body.platform,
          });
          return c.json(
            {
              activated: true,
              activation: activationJson(r.activation),
              license: licenseJson(r.license, deps.now()),
              offline: r.offline,
            },
            r.created ? 201 : 200,
          );
        });
      },
    }),
    route({
      method: 'post',
      path: '/api/v1/deactivate',
      access: 'public',
      tag: 'License keys',
      summary: 'Deactivate a device and free its seat',
      body: DeactivateBody,
      example: { request: { license_key: 'XXXX-XXXX-XXXX-XXXX', machine_id: 'unique-device-fingerprint' } },
      async handler(c, { body, caller }) {
        const key = requireLicenseKey(body);
        return guarded(deps, c, caller.ip, async () => {
          const r = await deactivateLicense(deps, caller, { key, machineId: body.machine_id });
          return c.json({
            deactivated: true,
            activation: activationJson(r.activation),
            license: licenseJson(r.license, deps.now()),
          });
        });
      },
    }),
    route({
      method: 'post',
      path: '/api/v1/heartbeat',
      access: 'public',
      tag: 'License keys',
      summary: "Renew a floating seat's lease (and refresh the offline token)",
      body: DeactivateBody,
      example: { request: { license_key: 'XXXX-XXXX-XXXX-XXXX', machine_id: 'unique-device-fingerprint' } },
      async handler(c, { body, caller }) {
        const key = requireLicenseKey(body);
        return guarded(deps, c, caller.ip, async () => {
          const r = await heartbeat(deps, caller, { key, machineId: body.machine_id });
          return c.json({
            ok: true,
            activation: r.activation,
            leaseExpiresAt: r.leaseExpiresAt?.toISOString() ?? null,
            offline: r.offline,
          });
        });
      },
    }),
    route({
      method: 'get',
      path: '/api/v1/.well-known/jwks.json',
      access: 'public',
      tag: 'Offline tokens',
      summary: 'Public keys (JWKS) that verify offline tokens',
      handler: (c) => {
        c.header('Cache-Control', 'public, max-age=300');
        return c.json(deps.signingKeys.publicJwks());
      },
    }),
    route({
      method: 'post',
      path: '/api/v1/admin/signing-keys/rotate',
      access: 'admin',
      tag: 'Admin',
      summary:
        'Rotate the offline-token signing key (old public keys stay in the JWKS until their tokens expire)',
      async handler(c) {
        const r = await deps.signingKeys.rotate(deps.now());
        deps.licenseCache.clear(); // drop tokens signed with the old key
        return c.json({ kid: r.kid, retired: r.retired });
      },
    }),
    createRoute('/api/v1/licenses'),
    createRoute('/api/v1/portal/licenses'),
    licenseList('/api/v1/licenses'),
    licenseList('/api/v1/portal/licenses'),
    route({
      method: 'get',
      path: '/api/v1/licenses/:id',
      access: 'portal',
      tag: 'Licenses',
      summary: 'Get a license',
      async handler(c, { tenant, params }) {
        return c.json({ license: licenseJson(await getLicense(deps, tenant, params.id!), deps.now()) });
      },
    }),
    route({
      method: 'patch',
      path: '/api/v1/licenses/:id',
      access: 'portal',
      tag: 'Licenses',
      summary: 'Update a license',
      body: UpdateLicenseBody,
      async handler(c, { tenant, params, body }) {
        const license = await updateLicense(deps, tenant, params.id!, body);
        return c.json({ license: licenseJson(license, deps.now()) });
      },
    }),
    transition('suspend'),
    transition('reinstate'),
    transition('revoke'),
    transition('renew'),
    listRoute({
      path: '/api/v1/licenses/:id/activations',
      access: 'portal',
      tag: 'Activations',
      summary: "List a license's activations",
      query: PaginationQuery,
      list: ({ tenant, params, query }, w) => listActivations(deps, tenant, params.id!, w),
      json: activationJson,
    }),
    route({
      method: 'delete',
      path: '/api/v1/activations/:id',
      access: 'portal',
      tag: 'Activations',
      summary: 'Delete an activation (frees the seat)',
      async handler(c, { tenant, params }) {
        const r = await deleteActivation(deps, tenant, params.id!);
        return c.json({ deleted: true, activation: activationJson(r.activation) });
      },
    }),
  ]);
}
