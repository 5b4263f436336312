// The entitlements of a product: its field, and the mutations that grant or take them.
import { AttachEntitlementsInput, EntitlementCode } from '../entitlements/entitlements.schemas';
import { attachToProduct, detachFromProduct } from '../entitlements/entitlements.service';
import { builder } from '../graphql/builder';
import { caller } from '../graphql/context';
import { NotFoundError, ValidationError } from '../graphql/errors';
import { parseInput } from '../graphql/inputs';
import { Product } from './products.graphql';
import { productInclude } from './products.service';
import { productEntitlementCodes } from './products.views';

const write = { portal: 'write' } as const;
const attachErrors = [NotFoundError, ValidationError];

builder.prismaObjectField(Product, 'entitlements', (t) =>
  t.stringList({
    description: 'Codes every license of the product has, sorted.',
    select: { entitlements: productInclude.entitlements },
    resolve: (p) => productEntitlementCodes(p),
  }),
);

builder.mutationFields((t) => ({
  attachProductEntitlements: t.prismaField({
    type: Product,
    description: 'Grants the codes to every license of the product.',
    authScopes: write,
    args: { productId: t.arg.id({ required: true }), codes: t.arg.stringList({ required: true }) },
    errors: { types: attachErrors, dataField: { name: 'product' } },
    resolve: async (query, _root, { productId, codes }, ctx) => {
      const input = parseInput(AttachEntitlementsInput, { codes });
      await attachToProduct(ctx.deps, caller(ctx), productId, input.codes);
      return ctx.deps.prisma.product.findUniqueOrThrow({ ...query, where: { id: productId } });
    },
  }),
  detachProductEntitlement: t.prismaField({
    type: Product,
    authScopes: write,
    args: { productId: t.arg.id({ required: true }), code: t.arg.string({ required: true }) },
    errors: { types: attachErrors, dataField: { name: 'product' } },
    resolve: async (query, _root, { productId, code }, ctx) => {
      await detachFromProduct(ctx.deps, caller(ctx), productId, parseInput(EntitlementCode, code));
      return ctx.deps.prisma.product.findUniqueOrThrow({ ...query, where: { id: productId } });
    },
  }),
}));
