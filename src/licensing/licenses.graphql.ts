// License type, license queries and lifecycle mutations. Arguments go straight to the services'
// input shapes (licenses.schemas.ts), the same ones REST parses its renamed bodies with.
import type { ArgBuilder, InputFieldBuilder } from '@pothos/core';
import { LicenseStatus, LicenseType, RenewalInterval } from '../../prisma/generated/client/enums';
import { builder, type BuilderTypes } from '../graphql/builder';
import { Event } from '../events/events.graphql';
import { caller, type GraphQLContext, idsInTenant, nodeWhere, tenant, tenantWhere } from '../graphql/context';
import { ConflictError, NotFoundError, UnknownTierError, ValidationError } from '../graphql/errors';
import { parseInput } from '../graphql/inputs';
import { normalizeLicenseKey } from '../lib/ids';
import { Customer } from '../customers/customers.graphql';
import { nodeConnection, OrderDirection } from '../graphql/connections';
import { Product, UsesResetIntervalEnum } from '../products/products.graphql';
import { currentUses } from './usage-counter';
import { type LicenseStats, licenseStats } from './license-stats.service';
import {
  CreateLicenseInput,
  LICENSE_ORDER_FIELDS,
  LicenseFilterInput,
  LicenseOrderInput,
  UpdateLicenseInput,
} from './licenses.schemas';
import {
  createLicense,
  licenseOrder,
  licenseWhere,
  transitionLicense,
  updateLicense,
} from './licenses.service';
import { effectiveStatus } from './licenses.views';
import { sendLicenseKey } from './license-emails';
import { EmailMessage } from '../email/email.graphql';

export const LicenseTypeEnum = builder.enumType(LicenseType, { name: 'LicenseType' });
export const LicenseStatusEnum = builder.enumType(LicenseStatus, { name: 'LicenseStatus' });
export const RenewalIntervalEnum = builder.enumType(RenewalInterval, { name: 'RenewalInterval' });

export const License = builder.prismaNode('License', {
  id: { field: 'id' },
  findUnique: nodeWhere,
  nullable: true,
  fields: (t) => ({
    key: t.exposeString('key'),
    type: t.expose('type', { type: LicenseTypeEnum }),
    status: t.field({
      type: LicenseStatusEnum,
      description: 'The effective status: a passed expiresAt reads as expired even before the sweeper runs.',
      resolve: (l, _args, ctx) => effectiveStatus(l, ctx.deps.now()),
    }),
    activationCount: t.exposeInt('activationCount', { description: 'Devices currently activated.' }),
    maxActivations: t.exposeInt('maxActivations'),
    expiresAt: t.expose('expiresAt', { type: 'DateTime', nullable: true }),
    createdAt: t.expose('createdAt', { type: 'DateTime' }),
    updatedAt: t.expose('updatedAt', { type: 'DateTime' }),
    lastValidatedAt: t.expose('lastValidatedAt', { type: 'DateTime', nullable: true }),
    suspendedAt: t.expose('suspendedAt', { type: 'DateTime', nullable: true }),
    revokedAt: t.expose('revokedAt', { type: 'DateTime', nullable: true }),
    metadata: t.expose('metadata', { type: 'JSON' }),
    allowedDomains: t.exposeStringList('allowedDomains'),
    plan: t.exposeString('plan', { nullable: true }),
    entitlements: t.exposeStringList('entitlementCodes', {
      description: "Effective entitlement codes: the product's and the license's own, sorted.",
    }),
    renewalInterval: t.expose('renewalInterval', { type: RenewalIntervalEnum }),
    offlineGracePeriod: t.exposeInt('offlineGracePeriod', {
      nullable: true,
      description: "Seconds; null uses the product's setting.",
    }),
    leaseDuration: t.exposeInt('leaseDuration', {
      nullable: true,
      description: "Seconds; null uses the product's setting.",
    }),
    productId: t.exposeID('productId'),
    customerId: t.exposeID('customerId', { nullable: true }),
    uses: t.int({
      description: 'Uses in the current period (a count from an earlier period reads as 0).',
      select: { uses: true, usesResetInterval: true, usesPeriodStart: true },
      resolve: (l, _args, ctx) => currentUses(l, ctx.deps.now()),
    }),
    maxUses: t.exposeInt('maxUses', { nullable: true, description: 'Null: unlimited.' }),
    usesResetInterval: t.expose('usesResetInterval', { type: UsesResetIntervalEnum }),
    email: t.string({
      nullable: true,
      description: "The customer's email, as in the REST license JSON.",
      select: { customer: { select: { email: true } } },
      resolve: (l) => l.customer?.email ?? null,
    }),
    // validateLicense/activateLicense return a license to anyone holding its key; what lies beyond
    // the license's own fields (as in the REST license JSON) needs the portal scope.
    product: t.relation('product', { authScopes: { portal: 'read' } }),
    customer: t.relation('customer', { nullable: true, authScopes: { portal: 'read' } }),
    activations: t.relation('activations', {
      authScopes: { portal: 'read' },
      query: { orderBy: [{ createdAt: 'asc' }, { id: 'asc' }] },
    }),
  }),
});

/** An event's license (events carry plain ids, so the licenses of a page are loaded in one batch). */
builder.objectField(Event, 'license', (t) =>
  t.loadable({
    type: License,
    nullable: true,
    load: (ids: string[], ctx) => ctx.deps.prisma.license.findMany({ where: idsInTenant(ids, ctx) }),
    sort: (l) => l.id,
    resolve: (e) => e.licenseId,
  }),
);

export const LicenseConnection = nodeConnection(License, 'License');

export const LicenseFilter = builder.inputType('LicenseFilter', {
  fields: (t) => ({
    status: t.field({ type: LicenseStatusEnum }),
    type: t.field({ type: LicenseTypeEnum }),
    productId: t.id(),
    customerId: t.id(),
    email: t.string({ description: "The customer's email, exact match, case-insensitive." }),
    expiresBefore: t.field({ type: 'DateTime', description: 'Only licenses expiring before this moment.' }),
    expiresAfter: t.field({
      type: 'DateTime',
      description: 'Only licenses expiring at or after this moment.',
    }),
  }),
});

const LicenseOrderField = builder.enumType('LicenseOrderField', {
  values: Object.fromEntries(
    LICENSE_ORDER_FIELDS.map((f) => [f.replace(/[A-Z]/g, (c) => `_${c}`).toUpperCase(), { value: f }]),
  ) as Record<string, { value: (typeof LICENSE_ORDER_FIELDS)[number] }>,
});

export const LicenseOrder = builder.inputType('LicenseOrder', {
  description: 'Sorts a list of licenses; ties are broken by id. Null expiresAt/lastValidatedAt sort last.',
  fields: (t) => ({
    field: t.field({ type: LicenseOrderField, required: true }),
    direction: t.field({ type: OrderDirection, required: true }),
  }),
});

const LicenseStatusCount = builder
  .objectRef<LicenseStats['byStatus'][number]>('LicenseStatusCount')
  .implement({
    fields: (t) => ({
      status: t.field({ type: LicenseStatusEnum, resolve: (r) => r.status }),
      count: t.exposeInt('count'),
    }),
  });

const LicenseStatsRef = builder.objectRef<LicenseStats>('LicenseStats').implement({
  description: 'The licenses of the environment at a glance (one SQL statement, whatever their number).',
  fields: (t) => ({
    total: t.exposeInt('total'),
    byStatus: t.field({
      type: [LicenseStatusCount],
      description: 'Every status, with its count (0 included); expired means effectively expired.',
      resolve: (s) => s.byStatus,
    }),
    activeDevices: t.exposeInt('activeDevices', {
      description: 'Devices holding a seat, over all licenses.',
    }),
  }),
});

const licenseInputFields = (t: InputFieldBuilder<BuilderTypes, 'InputObject'>) => ({
  maxActivations: t.int(),
  email: t.string({ description: 'Links the license to this customer, creating the customer if needed.' }),
  customerId: t.id(),
  expiresAt: t.field({ type: 'DateTime' }),
  metadata: t.field({ type: 'JSON' }),
  allowedDomains: t.stringList(),
  plan: t.string(),
  renewalInterval: t.field({ type: RenewalIntervalEnum }),
  offlineGracePeriod: t.int({ description: 'Seconds.' }),
  leaseDuration: t.int({ description: 'Seconds (floating licenses).' }),
  maxUses: t.int({ description: "Default: the product's maxUses; null: unlimited." }),
  usesResetInterval: t.field({ type: UsesResetIntervalEnum, description: "Default: the product's." }),
});

export const CreateLicenseInputRef = builder.inputType('CreateLicenseInput', {
  fields: (t) => ({
    productId: t.id({ required: true }),
    type: t.field({ type: LicenseTypeEnum, required: true }),
    tier: t.string({
      description:
        'A pricing tier of the product: its seats, duration and entitlements are the defaults (fields given here win). Unknown: UnknownTierError.',
    }),
    key: t.string({ description: 'Import an existing key instead of generating one.' }),
    sendEmail: t.boolean({
      description: "Email the key to the license's customer (who must have an email).",
    }),
    ...licenseInputFields(t),
  }),
});

export const UpdateLicenseInputRef = builder.inputType('UpdateLicenseInput', {
  description:
    'Only the fields given are changed; null clears expiresAt, plan, offlineGracePeriod, leaseDuration.',
  fields: (t) => licenseInputFields(t),
});

interface ListArgs {
  filter?: unknown;
  search?: string | null;
  orderBy?: unknown;
}
const filtered = (ctx: GraphQLContext, { filter, search }: ListArgs) =>
  licenseWhere(tenant(ctx), parseInput(LicenseFilterInput, { ...(filter ?? {}), search }));
const ordered = ({ orderBy }: ListArgs) =>
  licenseOrder(orderBy == null ? undefined : parseInput(LicenseOrderInput, orderBy));

const listArgs = (arg: ArgBuilder<BuilderTypes>) => ({
  filter: arg({ type: LicenseFilter }),
  search: arg.string({ description: 'Part of the license key or of the customer email, any case.' }),
  orderBy: arg({ type: LicenseOrder, description: 'Default: newest first.' }),
});

// A product's and a customer's licenses take the same arguments as Query.licenses.
const related = {
  authScopes: { portal: 'read' as const },
  cursor: 'id' as const,
  totalCount: true,
  query: (args: ListArgs, ctx: GraphQLContext) => ({ where: filtered(ctx, args), orderBy: ordered(args) }),
};
builder.prismaObjectField(Product, 'licenses', (t) =>
  t.relatedConnection('licenses', { ...related, args: listArgs(t.arg) }, LicenseConnection),
);
builder.prismaObjectField(Customer, 'licenses', (t) =>
  t.relatedConnection('licenses', { ...related, args: listArgs(t.arg) }, LicenseConnection),
);

builder.queryFields((t) => ({
  licenses: t.prismaConnection(
    {
      type: License,
      cursor: 'id',
      defaultSize: 25,
      authScopes: { portal: 'read' },
      args: listArgs(t.arg),
      resolve: (query, _root, args, ctx) =>
        ctx.deps.prisma.license.findMany({
          ...query,
          where: filtered(ctx, args),
          orderBy: ordered(args),
        }),
      totalCount: (_root, args, ctx) => ctx.deps.prisma.license.count({ where: filtered(ctx, args) }),
    },
    LicenseConnection,
  ),
  licenseStats: t.field({
    type: LicenseStatsRef,
    authScopes: { portal: 'read' },
    resolve: (_root, _args, ctx) => licenseStats(ctx.deps, caller(ctx)),
  }),
  license: t.prismaField({
    type: License,
    nullable: true,
    authScopes: { portal: 'read' },
    args: { id: t.arg.id({ required: true }) },
    resolve: (query, _root, { id }, ctx) =>
      ctx.deps.prisma.license.findFirst({ ...query, where: { id, ...tenantWhere(ctx) } }),
  }),
  licenseByKey: t.prismaField({
    type: License,
    nullable: true,
    authScopes: { portal: 'read' },
    args: { key: t.arg.string({ required: true }) },
    resolve: (query, _root, { key }, ctx) =>
      ctx.deps.prisma.license.findFirst({
        ...query,
        where: { key: normalizeLicenseKey(key), ...tenantWhere(ctx) },
      }),
  }),
}));

const licenseErrors = [NotFoundError, ConflictError, ValidationError];

const transition = (action: 'suspend' | 'reinstate' | 'revoke', description: string) =>
  builder.mutationField(`${action}License`, (t) =>
    t.field({
      type: License,
      description,
      authScopes: { portal: 'write' },
      args: { id: t.arg.id({ required: true }) },
      errors: { types: licenseErrors, dataField: { name: 'license' } },
      resolve: (_root, { id }, ctx) => transitionLicense(ctx.deps, caller(ctx), id, action),
    }),
  );

transition('suspend', 'Suspends a license (reversible with reinstateLicense).');
transition('reinstate', 'Reinstates a suspended license.');
transition('revoke', 'Revokes a license; this is permanent.');

builder.mutationFields((t) => ({
  createLicense: t.field({
    type: License,
    authScopes: { portal: 'write' },
    args: { input: t.arg({ type: CreateLicenseInputRef, required: true }) },
    errors: { types: [...licenseErrors, UnknownTierError], dataField: { name: 'license' } },
    resolve: (_root, { input }, ctx) =>
      createLicense(ctx.deps, caller(ctx), parseInput(CreateLicenseInput, input)),
  }),
  updateLicense: t.field({
    type: License,
    authScopes: { portal: 'write' },
    args: { id: t.arg.id({ required: true }), input: t.arg({ type: UpdateLicenseInputRef, required: true }) },
    errors: { types: licenseErrors, dataField: { name: 'license' } },
    resolve: (_root, { id, input }, ctx) =>
      updateLicense(ctx.deps, caller(ctx), id, parseInput(UpdateLicenseInput, input)),
  }),
  sendLicenseKey: t.field({
    type: EmailMessage,
    description: "Emails the license key to the license's customer (ConflictError when it has no email).",
    authScopes: { portal: 'write' },
    args: { id: t.arg.id({ required: true }) },
    errors: { types: [NotFoundError, ConflictError], dataField: { name: 'email' } },
    resolve: (_root, { id }, ctx) => sendLicenseKey(ctx.deps, caller(ctx), id),
  }),
  renewLicense: t.field({
    type: License,
    description: 'Extends the expiry by one renewal period, or to `expiresAt` when given.',
    authScopes: { portal: 'write' },
    args: { id: t.arg.id({ required: true }), expiresAt: t.arg({ type: 'DateTime' }) },
    errors: { types: licenseErrors, dataField: { name: 'license' } },
    resolve: (_root, { id, expiresAt }, ctx) =>
      transitionLicense(ctx.deps, caller(ctx), id, 'renew', { expiresAt: expiresAt ?? undefined }),
  }),
}));
