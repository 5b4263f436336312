// One Relay connection type per node type, named the Relay way (`LicenseConnection`, `LicenseEdge`,
// with `totalCount`), shared by every list of that type (Query.licenses, Product.licenses,
// Customer.licenses), so that a client's fragments fit each of them. Pass the ref as the third
// argument of `t.prismaConnection` / `t.relatedConnection`.
import type { OutputType } from '@pothos/core';
import { builder, type BuilderTypes } from './builder';

type Counted = { totalCount?: number | (() => number | Promise<number>) };

export function nodeConnection<T extends OutputType<BuilderTypes>>(type: T, name: string) {
  return builder.connectionObject(
    {
      type,
      name: `${name}Connection`,
      fields: (t) => ({
        totalCount: t.int({
          description: 'Every item the list holds with these arguments, on every page.',
          // plugin-prisma puts the count (or a function that counts) on the connection object.
          resolve: (connection) => {
            const { totalCount } = connection as Counted;
            return typeof totalCount === 'function' ? totalCount() : (totalCount ?? 0);
          },
        }),
      }),
    },
    { name: `${name}Edge` },
  );
}

export const OrderDirection = builder.enumType('OrderDirection', {
  values: { ASC: { value: 'asc' as const }, DESC: { value: 'desc' as const } },
});
