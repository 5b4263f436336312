// The JSON view of the Stripe integration: the secret only as a prefix, and the URL to paste into
// Stripe's webhook settings.
import type { StripeIntegration } from '../../prisma/generated/client/client';
import { pricesOf } from './stripe.service';

export const stripeJson = (i: StripeIntegration, webhookUrl: string) => ({
  id: i.id,
  environment: i.environment,
  webhookUrl,
  webhookSecretPrefix: i.webhookSecretPrefix,
  defaultProductId: i.defaultProductId,
  prices: pricesOf(i),
  sendLicenseEmail: i.sendLicenseEmail,
  createdAt: i.createdAt.toISOString(),
  updatedAt: i.updatedAt.toISOString(),
});
