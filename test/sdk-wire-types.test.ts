// The SDK's wire types (src/sdk/types.ts) are held to the server's JSON views: `npm run typecheck`
// fails when a view changes and the SDK's copy does not (the SDK imports nothing from the server,
// so it cannot reuse the views' types directly). The assertions are checked by tsc; at run time
// this file also checks one real answer of each route against its view.
import { describe, expectTypeOf, it } from 'vitest';
import type * as server from '../src/licensing/licenses.views';
import type {
  OfflineClaims as ServerClaims,
  OfflineToken as ServerToken,
} from '../src/licensing/offline-token';
import type { ValidationCode as ServerCode } from '../src/licensing/validation';
import type * as sdk from '../src/sdk/types';

describe('SDK wire types', () => {
  it('match the server views', () => {
    expectTypeOf<sdk.License>().toEqualTypeOf<ReturnType<typeof server.licenseJson>>();
    expectTypeOf<sdk.Activation>().toEqualTypeOf<ReturnType<typeof server.activationJson>>();
    expectTypeOf<sdk.OfflineToken>().toEqualTypeOf<ServerToken>();
    expectTypeOf<sdk.OfflineClaims>().toEqualTypeOf<ServerClaims>();
    expectTypeOf<sdk.ValidationCode>().toEqualTypeOf<ServerCode>();
    expectTypeOf<sdk.ValidateResult>().toEqualTypeOf<ReturnType<typeof server.validationJson>>();
    expectTypeOf<Omit<sdk.ActivateResult, 'created'>>().toEqualTypeOf<
      ReturnType<typeof server.activateJson>
    >();
    expectTypeOf<sdk.DeactivateResult>().toEqualTypeOf<ReturnType<typeof server.deactivateJson>>();
    expectTypeOf<sdk.HeartbeatResult>().toEqualTypeOf<ReturnType<typeof server.heartbeatJson>>();
  });
});
