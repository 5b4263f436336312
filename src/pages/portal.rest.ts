// The vendor's side of the customer page: a one-click sign-in link for one customer.
import type { Deps } from '../deps';
import { defineRoutes, route } from '../rest/route';
import { createPortalLink } from './portal.service';

export function portalRoutes(deps: Deps) {
  return defineRoutes([
    route({
      method: 'post',
      path: '/api/v1/customers/:id/portal-link',
      access: 'portal',
      tag: 'Customers',
      summary: "A one-click sign-in link to the customer's page: single use, valid 15 minutes",
      example: {
        response: { url: 'https://licenses.example.com/sign-in/…', expiresAt: '2026-01-15T12:15:00.000Z' },
        status: 201,
      },
      async handler(c, { caller, params }) {
        const link = await createPortalLink(deps, caller, params.id!);
        return c.json({ url: link.url, expiresAt: link.expiresAt.toISOString() }, 201);
      },
    }),
  ]);
}
