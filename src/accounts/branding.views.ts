// The JSON views of branding and custom domains.
import type { CustomDomain } from '../../prisma/generated/client/client';
import type { Branding } from './branding.service';

/** The branding in effect (defaults filled in), with where the customer page is. */
export const brandingJson = (b: Branding, customerPageUrl: string) => ({ ...b, customerPageUrl });

export const domainJson = (d: CustomDomain) => ({
  id: d.id,
  host: d.host,
  customerPageUrl: `https://${d.host}/`,
  createdAt: d.createdAt.toISOString(),
  firstRequestAt: d.firstRequestAt?.toISOString() ?? null,
});
