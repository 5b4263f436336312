// The GraphQL schema: the domain files register their types and root fields on the one builder;
// this file only imports them for their side effects and builds the schema.
import '../../accounts/accounts.graphql';
import '../../accounts/admin.graphql';
import '../../accounts/branding.graphql';
import '../../accounts/users.graphql';
import '../../auth/api-keys.graphql';
import '../../customers/customers.graphql';
import '../../email/email.graphql';
import '../../audit/audit.graphql';
import '../../entitlements/entitlements.graphql';
import '../../licensing/license-entitlements.graphql';
import '../../products/product-entitlements.graphql';
import '../../events/events.graphql';
import '../../events/subscriptions.graphql';
import '../../integrations/stripe.graphql';
import '../../licensing/activations.graphql';
import '../../licensing/license-keys.graphql';
import '../../licensing/license-usage.graphql';
import '../../licensing/licenses.graphql';
import '../../pages/portal.graphql';
import '../../products/products.graphql';
import '../../usage/analytics.graphql';
import '../../webhooks/webhooks.graphql';
import { builder } from '../../graphql/builder';
import '../../graphql/error-results';

export const schema = builder.toSchema();
