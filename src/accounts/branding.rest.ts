// REST routes of the account's branding and custom domains.
import type { Deps } from '../deps';
import { PaginationQuery } from '../lib/pagination';
import { defineRoutes, listRoute, route } from '../rest/route';
import { AddDomainInput, UpdateBrandingInput } from './branding.schemas';
import {
  addDomain,
  brandingOf,
  customerPageBase,
  getAccountOf,
  listDomains,
  removeDomain,
  updateBranding,
} from './branding.service';
import { brandingJson, domainJson } from './branding.views';

const TAG = 'Branding';

export function brandingRoutes(deps: Deps) {
  const view = async (accountId: string, account: Parameters<typeof brandingOf>[0]) =>
    brandingJson(brandingOf(account), `${await customerPageBase(deps, accountId)}/`);
  return defineRoutes([
    route({
      method: 'get',
      path: '/api/v1/branding',
      access: 'portal',
      tag: TAG,
      summary: "The account's branding (customer page, emails), with defaults filled in",
      async handler(c, { caller }) {
        return c.json({ branding: await view(caller.tenant.accountId, await getAccountOf(deps, caller)) });
      },
    }),
    route({
      method: 'patch',
      path: '/api/v1/branding',
      access: 'portal',
      tag: TAG,
      summary:
        'Change the branding: name, logo_url (https or a PNG/JPEG/WebP data URL ≤ 256 KB, no SVG), ' +
        'primary_color and accent_color (#RRGGBB), support_email, support_url; null clears one',
      body: UpdateBrandingInput,
      example: { request: { name: 'Acme Apps', primary_color: '#0B5FFF', support_email: 'help@acme.test' } },
      async handler(c, { caller, body }) {
        return c.json({
          branding: await view(caller.tenant.accountId, await updateBranding(deps, caller, body)),
        });
      },
    }),
    listRoute({
      path: '/api/v1/domains',
      tag: TAG,
      summary: 'Custom domains that serve the customer page at /',
      query: PaginationQuery,
      list: ({ caller }, w) => listDomains(deps, caller, w),
      json: domainJson,
    }),
    route({
      method: 'post',
      path: '/api/v1/domains',
      access: 'portal',
      tag: TAG,
      summary: 'Register a custom domain (point it at this server; TLS is your reverse proxy’s job)',
      body: AddDomainInput,
      example: { request: { host: 'licenses.example.com' }, status: 201 },
      async handler(c, { caller, body }) {
        return c.json({ domain: domainJson(await addDomain(deps, caller, body)) }, 201);
      },
    }),
    route({
      method: 'delete',
      path: '/api/v1/domains/:id',
      access: 'portal',
      tag: TAG,
      summary: 'Remove a custom domain',
      async handler(c, { caller, params }) {
        await removeDomain(deps, caller, params.id!);
        return c.json({ deleted: true, id: params.id });
      },
    }),
  ]);
}
