// Every REST route, in one table: the router registers it and the OpenAPI document is printed
// from it. Route factories only close over `deps`; they don't use it while being defined.
import { adminRoutes } from '../accounts/admin.rest';
import { auditRoutes } from '../audit/audit.rest';
import { brandingRoutes } from '../accounts/branding.rest';
import { userRoutes } from '../accounts/users.rest';
import { apiKeyRoutes } from '../auth/api-keys.rest';
import { sessionRoutes } from '../auth/sessions.rest';
import { customerRoutes } from '../customers/customers.rest';
import type { Deps } from '../deps';
import { emailRoutes } from '../email/email.rest';
import { entitlementRoutes } from '../entitlements/entitlements.rest';
import { licenseEntitlementRoutes } from '../licensing/license-entitlements.rest';
import { productEntitlementRoutes } from '../products/product-entitlements.rest';
import { stripeRoutes } from '../integrations/stripe.rest';
import { portalRoutes } from '../pages/portal.rest';
import { eventRoutes } from '../events/events.rest';
import { licenseKeyRoutes } from '../licensing/license-keys.rest';
import { licenseRoutes } from '../licensing/licenses.rest';
import { licenseUsageRoutes } from '../licensing/license-usage.rest';
import { productRoutes } from '../products/products.rest';
import { analyticsRoutes } from '../usage/analytics.rest';
import { webhookRoutes } from '../webhooks/webhooks.rest';
import { backupRoutes } from './backup.rest';
import { docsRoutes } from './docs.rest';
import { healthRoutes } from './health.rest';
import type { RouteDef } from '../rest/route';

export function allRoutes(deps: Deps): RouteDef[] {
  const routes: RouteDef[] = [
    ...healthRoutes(deps),
    ...licenseKeyRoutes(deps),
    ...licenseRoutes(deps),
    ...licenseUsageRoutes(deps),
    ...productRoutes(deps),
    ...entitlementRoutes(deps),
    ...productEntitlementRoutes(deps),
    ...licenseEntitlementRoutes(deps),
    ...customerRoutes(deps),
    ...portalRoutes(deps),
    ...apiKeyRoutes(deps),
    ...eventRoutes(deps),
    ...webhookRoutes(deps),
    ...sessionRoutes(deps),
    ...userRoutes(deps),
    ...adminRoutes(deps),
    ...backupRoutes(deps),
    ...analyticsRoutes(deps),
    ...brandingRoutes(deps),
    ...emailRoutes(deps),
    ...stripeRoutes(deps),
    ...auditRoutes(deps),
  ];
  routes.push(...docsRoutes(() => routes));
  return routes;
}
