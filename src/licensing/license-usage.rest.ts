// REST routes of the usage counters: increment, decrement and reset a license's `uses`.
// (Consuming uses from an app is `POST /api/v1/validate {consume}`, in license-keys.rest.ts.)
import type { Deps } from '../deps';
import { defineRoutes, route } from '../rest/route';
import { SAMPLE_LICENSE } from './license-keys.rest';
import { UsageAmountInput } from './license-usage.schemas';
import { changeUsage, type UsageAction } from './license-usage.service';
import { licenseJson } from './licenses.views';

const TAG = 'Licenses';

const SUMMARY: Record<UsageAction, string> = {
  increment:
    "Add `amount` (default 1) to a license's uses; past max_uses is 422 USAGE_LIMIT_EXCEEDED and nothing changes",
  decrement: "Take `amount` (default 1) off a license's uses; below 0 is 422 VALIDATION_ERROR",
  reset: "Set a license's uses to 0",
};

const USES_AFTER: Record<UsageAction, number> = { increment: 3, decrement: 1, reset: 0 };

export function licenseUsageRoutes(deps: Deps) {
  const usage = (action: UsageAction) =>
    route({
      method: 'post',
      path: `/api/v1/licenses/:id/${action}-usage`,
      access: 'portal',
      tag: TAG,
      summary: SUMMARY[action],
      body: action === 'reset' ? undefined : UsageAmountInput,
      example: {
        ...(action === 'reset' ? {} : { request: { amount: 1 } }),
        response: { license: { ...SAMPLE_LICENSE, uses: USES_AFTER[action], maxUses: 10 } },
      },
      async handler(c, { caller, params, body }) {
        const license = await changeUsage(deps, caller, params.id!, action, body ?? {});
        return c.json({ license: licenseJson(license, deps.now()) });
      },
    });
  return defineRoutes([usage('increment'), usage('decrement'), usage('reset')]);
}
