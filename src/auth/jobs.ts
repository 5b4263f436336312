// The safety net under the credential watch: live connections' credentials are read again on an
// interval, so a revoke whose pub/sub message was lost (Redis away, no Redis between instances)
// still ends their subscriptions within TO_CREDENTIAL_RECHECK_MS.
import type { Deps } from '../deps';
import type { Job } from '../jobs/scheduler';

export const credentialRecheckJob = (deps: Deps): Job => ({
  name: 'credential-recheck',
  intervalMs: deps.config.credentialRecheckMs,
  run: () => deps.credentials.recheck(),
});
