// REST routes of the public license-key paths (validate, activate, deactivate, heartbeat), the JWKS
// that verifies offline tokens, and the operator's key rotation. Handlers translate; the services
// decide (and guard against key enumeration).
import type { Deps } from '../deps';
import { defineRoutes, route } from '../rest/route';
import { activateLicense, deactivateLicense } from './activations.service';
import { heartbeat } from './leases.service';
import { ActivateInput, DeviceInput, ValidateInput } from './license-keys.schemas';
import { activateJson, deactivateJson, heartbeatJson, validationBody } from './licenses.views';
import { rotateSigningKey } from './signing-keys';
import { validateLicense } from './validate.service';
import { validationStatus } from './validation';

export const SAMPLE_LICENSE = {
  id: 'lic_1234567890',
  key: 'XXXX-XXXX-XXXX-XXXX',
  status: 'active',
  type: 'perpetual',
  activations: 2,
  maxActivations: 5,
  expiresAt: null,
  metadata: {},
  uses: 0,
  maxUses: null,
};

const TAG = 'License keys';
const device = { license_key: 'XXXX-XXXX-XXXX-XXXX', machine_id: 'unique-device-fingerprint' };

export function licenseKeyRoutes(deps: Deps) {
  return defineRoutes([
    route({
      method: 'post',
      path: '/api/v1/validate',
      access: 'public',
      tag: TAG,
      summary:
        'Validate a license key; with `consume: N`, also add N uses atomically (USAGE_LIMIT_EXCEEDED, checked last, when they do not fit)',
      body: ValidateInput,
      example: {
        request: { license_key: 'XXXX-XXXX-XXXX-XXXX', domain: 'example.com' },
        response: {
          valid: true,
          code: 'VALID',
          license: SAMPLE_LICENSE,
          validatedAt: '2024-01-15T12:00:00Z',
        },
      },
      async handler(c, { body, keyCaller }) {
        const r = await validateLicense(deps, keyCaller, body);
        return c.body(validationBody(r), validationStatus(r.code), undefined, 'application/json');
      },
    }),
    route({
      method: 'post',
      path: '/api/v1/activate',
      access: 'public',
      tag: TAG,
      summary: 'Activate a license on a device (idempotent per machine_id)',
      body: ActivateInput,
      example: { request: { ...device, label: 'Work laptop' }, status: 201 },
      async handler(c, { body, keyCaller }) {
        const r = await activateLicense(deps, keyCaller, body);
        return c.json(activateJson(r, deps.now()), r.created ? 201 : 200);
      },
    }),
    route({
      method: 'post',
      path: '/api/v1/deactivate',
      access: 'public',
      tag: TAG,
      summary: 'Deactivate a device and free its seat',
      body: DeviceInput,
      example: { request: device },
      async handler(c, { body, keyCaller }) {
        return c.json(deactivateJson(await deactivateLicense(deps, keyCaller, body), deps.now()));
      },
    }),
    route({
      method: 'post',
      path: '/api/v1/heartbeat',
      access: 'public',
      tag: TAG,
      summary: "Renew a floating seat's lease (and refresh the offline token)",
      body: DeviceInput,
      example: { request: device },
      async handler(c, { body, keyCaller }) {
        return c.json(heartbeatJson(await heartbeat(deps, keyCaller, body)));
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
      async handler(c, { caller }) {
        return c.json(await rotateSigningKey(deps, caller));
      },
    }),
  ]);
}
