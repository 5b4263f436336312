// Branding and custom domains over GraphQL, through branding.service as REST does.
import type { Account as AccountRow } from '../../prisma/generated/client/client';
import { builder } from '../graphql/builder';
import { nodeConnection } from '../graphql/connections';
import { caller, nodeWhere } from '../graphql/context';
import { ConflictError, NotFoundError, ValidationError } from '../graphql/errors';
import { parseInput } from '../graphql/inputs';
import { oldestFirst } from '../lib/pagination';
import { AddDomainInput, UpdateBrandingInput } from './branding.schemas';
import {
  addDomain,
  brandingOf,
  customerPageBase,
  domainsWhere,
  getAccountOf,
  removeDomain,
  updateBranding,
} from './branding.service';
import { type DomainDns as DomainDnsShape, domainDns } from './domain-dns';

const Branding = builder.objectRef<AccountRow>('Branding').implement({
  description: 'How the customer page and the emails look, with the defaults filled in.',
  fields: (t) => ({
    name: t.string({ resolve: (a) => brandingOf(a).name }),
    logoUrl: t.string({ nullable: true, resolve: (a) => a.logoUrl }),
    primaryColor: t.string({ resolve: (a) => brandingOf(a).primaryColor }),
    accentColor: t.string({ resolve: (a) => brandingOf(a).accentColor }),
    supportEmail: t.string({ nullable: true, resolve: (a) => a.supportEmail }),
    supportUrl: t.string({ nullable: true, resolve: (a) => a.supportUrl }),
    customerPageUrl: t.string({
      description: 'Where the customer page is: the first custom domain, else /my/<account id>.',
      resolve: async (a, _args, ctx) => `${await customerPageBase(ctx.deps, a.id)}/`,
    }),
  }),
});

const DomainDns = builder.objectRef<DomainDnsShape>('DomainDns').implement({
  description: 'What DNS answers for a custom domain, looked up by this server when asked.',
  fields: (t) => ({
    addresses: t.exposeStringList('addresses', { description: 'Empty when the name does not resolve.' }),
    pointsHere: t.exposeBoolean('pointsHere', {
      nullable: true,
      description: "Whether one address is TO_PUBLIC_URL's host's; null when that host does not resolve.",
    }),
    error: t.exposeString('error', { nullable: true, description: 'Why the name did not resolve.' }),
    target: t.exposeString('target', { description: 'Point the name here (CNAME, or its A/AAAA records).' }),
  }),
});

export const CustomDomain = builder.prismaNode('CustomDomain', {
  id: { field: 'id' },
  findUnique: nodeWhere,
  nullable: true,
  description: "A host name that serves the account's customer page at `/`.",
  fields: (t) => ({
    host: t.exposeString('host'),
    customerPageUrl: t.string({ resolve: (d) => `https://${d.host}/` }),
    createdAt: t.expose('createdAt', { type: 'DateTime' }),
    firstRequestAt: t.expose('firstRequestAt', {
      type: 'DateTime',
      nullable: true,
      description: 'When a request naming this host first reached this server; null until then.',
    }),
    dns: t.field({
      type: DomainDns,
      description: 'A DNS lookup made now (up to 3 s): ask for it on a page of domains, not in bulk.',
      resolve: (d, _args, ctx) => domainDns(ctx.deps, d.host),
    }),
  }),
});

const UpdateBrandingInputRef = builder.inputType('UpdateBrandingInput', {
  description: 'Only the fields given change; null clears one.',
  fields: (t) => ({
    name: t.string(),
    logoUrl: t.string({
      description: 'An https URL, or a PNG/JPEG/WebP data URL of at most 256 KB (no SVG).',
    }),
    primaryColor: t.string({ description: '#RRGGBB' }),
    accentColor: t.string({ description: '#RRGGBB' }),
    supportEmail: t.string(),
    supportUrl: t.string(),
  }),
});

export const CustomDomainConnection = nodeConnection(CustomDomain, 'CustomDomain');

builder.queryFields((t) => ({
  branding: t.field({
    type: Branding,
    authScopes: { portal: 'read' },
    resolve: (_root, _args, ctx) => getAccountOf(ctx.deps, caller(ctx)),
  }),
  customDomains: t.prismaConnection(
    {
      type: CustomDomain,
      cursor: 'id',
      description: 'Custom domains, oldest first (links to the customer page use the first).',
      authScopes: { portal: 'read' },
      resolve: (query, _root, _args, ctx) =>
        ctx.deps.prisma.customDomain.findMany({
          ...query,
          where: domainsWhere(caller(ctx)),
          orderBy: oldestFirst(),
        }),
      totalCount: (_root, _args, ctx) =>
        ctx.deps.prisma.customDomain.count({ where: domainsWhere(caller(ctx)) }),
    },
    CustomDomainConnection,
  ),
}));

builder.mutationFields((t) => ({
  updateBranding: t.field({
    type: Branding,
    authScopes: { portal: 'write' },
    args: { input: t.arg({ type: UpdateBrandingInputRef, required: true }) },
    errors: { types: [ValidationError], dataField: { name: 'branding' } },
    resolve: (_root, { input }, ctx) =>
      updateBranding(ctx.deps, caller(ctx), parseInput(UpdateBrandingInput, input)),
  }),
  addCustomDomain: t.field({
    type: CustomDomain,
    authScopes: { portal: 'write' },
    args: { host: t.arg.string({ required: true }) },
    errors: { types: [ValidationError, ConflictError], dataField: { name: 'domain' } },
    resolve: (_root, args, ctx) => addDomain(ctx.deps, caller(ctx), parseInput(AddDomainInput, args)),
  }),
  removeCustomDomain: t.field({
    type: 'ID',
    authScopes: { portal: 'write' },
    args: { id: t.arg.id({ required: true }) },
    errors: { types: [NotFoundError], dataField: { name: 'deletedId' } },
    resolve: async (_root, { id }, ctx) => (await removeDomain(ctx.deps, caller(ctx), id)).id,
  }),
}));
