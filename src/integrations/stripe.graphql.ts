// The Stripe integration's settings over GraphQL, through stripe.service as REST does.
import type { StripeIntegration as Row } from '../../prisma/generated/client/client';
import { builder } from '../graphql/builder';
import { EnvironmentEnum } from '../graphql/environment';
import { caller, tenantWhere } from '../graphql/context';
import { NotFoundError, ValidationError } from '../graphql/errors';
import { parseInput } from '../graphql/inputs';
import { LicenseTypeEnum } from '../licensing/licenses.graphql';
import { ConfigureStripeInput, type PriceEntry } from './stripe.schemas';
import { configureStripe, deleteStripe, pricesOf, stripeWebhookUrl } from './stripe.service';

const StripePrice = builder.objectRef<PriceEntry & { priceId: string }>('StripePrice').implement({
  description: 'What a checkout for this Stripe price makes.',
  fields: (t) => ({
    priceId: t.exposeString('priceId'),
    productId: t.exposeID('productId'),
    type: t.field({ type: LicenseTypeEnum, nullable: true, resolve: (p) => p.type ?? null }),
    plan: t.string({ nullable: true, resolve: (p) => p.plan ?? null }),
    maxActivations: t.int({ nullable: true, resolve: (p) => p.maxActivations ?? null }),
  }),
});

const StripeIntegration = builder.objectRef<Row>('StripeIntegration').implement({
  description: 'The Stripe integration of this environment.',
  fields: (t) => ({
    id: t.exposeID('id'),
    environment: t.field({ type: EnvironmentEnum, resolve: (i) => i.environment }),
    webhookUrl: t.string({
      description: "The URL to give Stripe as the webhook endpoint's address.",
      resolve: (i, _args, ctx) => stripeWebhookUrl(ctx.deps, i.accountId),
    }),
    webhookSecretPrefix: t.exposeString('webhookSecretPrefix', {
      description: 'The start of the signing secret; the secret itself is never shown again.',
    }),
    defaultProductId: t.exposeID('defaultProductId', { nullable: true }),
    prices: t.field({
      type: [StripePrice],
      resolve: (i) => Object.entries(pricesOf(i)).map(([priceId, p]) => ({ priceId, ...p })),
    }),
    sendLicenseEmail: t.exposeBoolean('sendLicenseEmail'),
    createdAt: t.expose('createdAt', { type: 'DateTime' }),
    updatedAt: t.expose('updatedAt', { type: 'DateTime' }),
  }),
});

const StripePriceInput = builder.inputType('StripePriceInput', {
  fields: (t) => ({
    priceId: t.string({ required: true }),
    productId: t.id({ required: true }),
    type: t.field({ type: LicenseTypeEnum }),
    plan: t.string(),
    maxActivations: t.int(),
  }),
});

const ConfigureStripeInputRef = builder.inputType('ConfigureStripeIntegrationInput', {
  fields: (t) => ({
    webhookSecret: t.string({
      description:
        "The Stripe endpoint's signing secret (whsec_…): required the first time; left out, the sealed one is kept.",
    }),
    defaultProductId: t.id(),
    prices: t.field({ type: [StripePriceInput] }),
    sendLicenseEmail: t.boolean({ description: 'Email the key after each checkout (default true).' }),
  }),
});

builder.queryField('stripeIntegration', (t) =>
  t.field({
    type: StripeIntegration,
    nullable: true,
    description: 'The Stripe integration of this environment; null when it is off.',
    authScopes: { portal: 'read' },
    resolve: (_root, _args, ctx) => ctx.deps.prisma.stripeIntegration.findFirst({ where: tenantWhere(ctx) }),
  }),
);

builder.mutationFields((t) => ({
  configureStripeIntegration: t.field({
    type: StripeIntegration,
    description: 'Sets the whole Stripe configuration of this environment.',
    authScopes: { portal: 'write' },
    args: { input: t.arg({ type: ConfigureStripeInputRef, required: true }) },
    errors: { types: [ValidationError], dataField: { name: 'stripeIntegration' } },
    resolve: (_root, { input }, ctx) =>
      configureStripe(ctx.deps, caller(ctx), parseInput(ConfigureStripeInput, input)),
  }),
  deleteStripeIntegration: t.field({
    type: 'ID',
    description: 'Turns the Stripe integration of this environment off.',
    authScopes: { portal: 'write' },
    errors: { types: [NotFoundError], dataField: { name: 'deletedId' } },
    resolve: async (_root, _args, ctx) => (await deleteStripe(ctx.deps, caller(ctx))).id,
  }),
}));
