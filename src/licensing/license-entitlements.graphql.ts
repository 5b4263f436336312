// The mutations that give one license entitlements beside its product's (its `entitlements`
// field sits with the License type).
import { AttachEntitlementsInput, EntitlementCode } from '../entitlements/entitlements.schemas';
import { attachToLicense, detachFromLicense } from '../entitlements/entitlements.service';
import { builder } from '../graphql/builder';
import { caller } from '../graphql/context';
import { EntitlementInheritedError, NotFoundError, ValidationError } from '../graphql/errors';
import { parseInput } from '../graphql/inputs';
import { License } from './licenses.graphql';

const write = { portal: 'write' } as const;
const attachErrors = [NotFoundError, ValidationError];

builder.mutationFields((t) => ({
  attachLicenseEntitlements: t.field({
    type: License,
    description: "Gives one license the codes, beside its product's.",
    authScopes: write,
    args: { licenseId: t.arg.id({ required: true }), codes: t.arg.stringList({ required: true }) },
    errors: { types: attachErrors, dataField: { name: 'license' } },
    resolve: (_root, { licenseId, codes }, ctx) =>
      attachToLicense(ctx.deps, caller(ctx), licenseId, parseInput(AttachEntitlementsInput, { codes }).codes),
  }),
  detachLicenseEntitlement: t.field({
    type: License,
    description: 'Takes a code off one license; one its product grants is an EntitlementInheritedError.',
    authScopes: write,
    args: { licenseId: t.arg.id({ required: true }), code: t.arg.string({ required: true }) },
    errors: { types: [...attachErrors, EntitlementInheritedError], dataField: { name: 'license' } },
    resolve: (_root, { licenseId, code }, ctx) =>
      detachFromLicense(ctx.deps, caller(ctx), licenseId, parseInput(EntitlementCode, code)),
  }),
}));
