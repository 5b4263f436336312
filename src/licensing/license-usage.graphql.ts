// The usage counter mutations (increment, decrement, reset), typed like the REST routes' answers:
// UsageLimitError (USAGE_LIMIT_EXCEEDED) past maxUses, ValidationError below 0. License.uses and
// License.maxUses are in licenses.graphql.ts; validateLicense's `consume` is in license-keys.graphql.ts.
import { builder } from '../graphql/builder';
import { caller } from '../graphql/context';
import { NotFoundError, UsageLimitError, ValidationError } from '../graphql/errors';
import { parseInput } from '../graphql/inputs';
import { UsageAmountInput } from './license-usage.schemas';
import { changeUsage, type UsageAction } from './license-usage.service';
import { License } from './licenses.graphql';

const detail = (e: UsageLimitError, name: string) => {
  const v = e.details?.[name];
  return typeof v === 'number' ? v : null;
};

builder.objectFields(UsageLimitError, (t) => ({
  uses: t.int({
    nullable: true,
    description: 'Uses in the current period.',
    resolve: (e) => detail(e, 'uses'),
  }),
  maxUses: t.int({ nullable: true, resolve: (e) => detail(e, 'maxUses') }),
}));

const usageMutation = (action: UsageAction, name: string, description: string) =>
  builder.mutationField(name, (t) =>
    t.field({
      type: License,
      description,
      authScopes: { portal: 'write' },
      args: {
        id: t.arg.id({ required: true }),
        ...(action === 'reset' ? {} : { amount: t.arg.int({ description: 'Default 1.' }) }),
      },
      errors: { types: [NotFoundError, UsageLimitError, ValidationError], dataField: { name: 'license' } },
      resolve: (_root, args, ctx) => {
        const { amount } = args as { amount?: number | null };
        return changeUsage(ctx.deps, caller(ctx), args.id, action, parseInput(UsageAmountInput, { amount }));
      },
    }),
  );

usageMutation(
  'increment',
  'incrementLicenseUsage',
  'Adds `amount` uses; UsageLimitError when they would pass maxUses (nothing changes then).',
);
usageMutation('decrement', 'decrementLicenseUsage', 'Takes `amount` uses off; ValidationError below 0.');
usageMutation('reset', 'resetLicenseUsage', "Sets the license's uses to 0.");
