// The vendor's side of the customer page over GraphQL, through portal.service as REST does.
import { builder } from '../graphql/builder';
import { caller } from '../graphql/context';
import { NotFoundError } from '../graphql/errors';
import { createPortalLink } from './portal.service';

const CustomerPortalLink = builder
  .objectRef<{ url: string; expiresAt: Date }>('CustomerPortalLink')
  .implement({
    description: "A one-click sign-in link to a customer's page: single use, valid 15 minutes.",
    fields: (t) => ({
      url: t.exposeString('url'),
      expiresAt: t.expose('expiresAt', { type: 'DateTime' }),
    }),
  });

builder.mutationField('createCustomerPortalLink', (t) =>
  t.field({
    type: CustomerPortalLink,
    authScopes: { portal: 'write' },
    args: { customerId: t.arg.id({ required: true }) },
    errors: { types: [NotFoundError], dataField: { name: 'link' } },
    resolve: (_root, { customerId }, ctx) => createPortalLink(ctx.deps, caller(ctx), customerId),
  }),
);
