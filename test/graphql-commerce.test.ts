// GraphQL has the commerce powers REST has: branding, custom domains, the Stripe settings, the
// email outbox, sending a key, sendEmail on createLicense, the customer portal link; domain
// failures are typed results and input failures GraphQL errors.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeApp, type TestApp } from './helpers/app';
import { dataOf, errorCode, type Gql, gqlClient, newProduct } from './helpers/graphql';

let t: TestApp;
let gql: Gql;
beforeAll(async () => {
  t = await makeApp();
  gql = gqlClient(t);
});
afterAll(() => t.close());

describe('branding and domains', () => {
  it('reads and updates the branding; a bad colour or an SVG logo is a ValidationError', async () => {
    const ok = dataOf(
      await gql(
        `mutation($input: UpdateBrandingInput!) { updateBranding(input: $input) {
          __typename ... on UpdateBrandingSuccess { branding { name primaryColor accentColor supportEmail customerPageUrl } }
          ... on DomainError { code message } } }`,
        { input: { name: 'Acme Apps', primaryColor: '#aa00cc', supportEmail: 'help@acme.test' } },
      ),
    );
    expect(ok.updateBranding.branding).toEqual({
      name: 'Acme Apps',
      primaryColor: '#AA00CC',
      accentColor: '#0F766E',
      supportEmail: 'help@acme.test',
      customerPageUrl: `http://localhost:4000/my/${t.accountId}/`,
    });
    // Input that the shape refuses is an input error (GraphQLError VALIDATION_ERROR), as everywhere.
    for (const input of [{ primaryColor: 'purple' }, { logoUrl: 'https://cdn.acme.test/logo.svg' }]) {
      const bad = await gql(
        `mutation($input: UpdateBrandingInput!) { updateBranding(input: $input) { __typename } }`,
        { input },
      );
      expect(errorCode(bad), bad.trace).toBe('VALIDATION_ERROR');
    }
    const read = dataOf(await gql(`{ branding { name } }`));
    expect(read.branding.name).toBe('Acme Apps');
  });

  it('adds, lists and removes custom domains; a taken host is a ConflictError', async () => {
    const add = `mutation($host: String!) { addCustomDomain(host: $host) {
      __typename ... on AddCustomDomainSuccess { domain { id host customerPageUrl } } ... on DomainError { code } } }`;
    const r = dataOf(await gql(add, { host: 'Portal.Acme.Test' }));
    expect(r.addCustomDomain.domain).toMatchObject({
      host: 'portal.acme.test',
      customerPageUrl: 'https://portal.acme.test/',
    });
    expect(dataOf(await gql(add, { host: 'portal.acme.test' })).addCustomDomain.code).toBe('CONFLICT');
    const list = dataOf(await gql(`{ customDomains { totalCount nodes { host } } }`));
    expect(list.customDomains).toEqual({ totalCount: 1, nodes: [{ host: 'portal.acme.test' }] });
    const del = dataOf(
      await gql(
        `mutation($id: ID!) { removeCustomDomain(id: $id) { __typename ... on RemoveCustomDomainSuccess { deletedId } } }`,
        {
          id: r.addCustomDomain.domain.id,
        },
      ),
    );
    expect(del.removeCustomDomain.deletedId).toBe(r.addCustomDomain.domain.id);
  });

  it('a domain shows what DNS answers, and when a request naming it first reached this server', async () => {
    const add = `mutation($host: String!) { addCustomDomain(host: $host) {
      __typename ... on AddCustomDomainSuccess { domain { id } } } }`;
    const { id } = dataOf(await gql(add, { host: 'licenses.acme.invalid' })).addCustomDomain.domain;
    const read = async () =>
      dataOf(
        await gql(
          `{ customDomains { nodes { id host firstRequestAt dns { addresses pointsHere error target } } } }`,
        ),
      ).customDomains.nodes.find((d: { id: string }) => d.id === id);
    const before = await read();
    // .invalid never resolves (RFC 6761); the target is TO_PUBLIC_URL's host.
    expect(before).toMatchObject({
      firstRequestAt: null,
      dns: { addresses: [], pointsHere: false, error: 'ENOTFOUND', target: 'localhost' },
    });
    expect((await t.call('GET', '/api/v1/domains')).body.data[0].firstRequestAt).toBeNull();
    // The customer page on that host: the first request is recorded, once.
    const page = await t.app.fetch(new Request('http://licenses.acme.invalid/'));
    expect(page.status).toBe(200);
    const seen = (await read()).firstRequestAt;
    expect(Date.parse(seen)).toBeGreaterThan(Date.now() - 60_000);
    t.app.deps.domainCache.delete('licenses.acme.invalid');
    await t.app.fetch(new Request('http://licenses.acme.invalid/'));
    expect((await read()).firstRequestAt).toBe(seen);
    const rest = (await t.call('GET', '/api/v1/domains')).body.data.find((d: { id: string }) => d.id === id);
    expect(rest.firstRequestAt).toBe(seen);
    await gql(`mutation($id: ID!) { removeCustomDomain(id: $id) { __typename } }`, { id });
  });
});

describe('Stripe settings', () => {
  it('configures, reads and deletes the integration of the environment', async () => {
    const product = await newProduct(gql);
    const conf = dataOf(
      await gql(
        `mutation($input: ConfigureStripeIntegrationInput!) { configureStripeIntegration(input: $input) {
          __typename ... on ConfigureStripeIntegrationSuccess { stripeIntegration {
            environment webhookUrl webhookSecretPrefix defaultProductId sendLicenseEmail
            prices { priceId productId maxActivations } } }
          ... on DomainError { code message } } }`,
        {
          input: {
            webhookSecret: 'whsec_graphql0123456789',
            defaultProductId: product.id,
            prices: [{ priceId: 'price_1', productId: product.id, maxActivations: 2 }],
            sendLicenseEmail: false,
          },
        },
      ),
    );
    expect(conf.configureStripeIntegration.stripeIntegration).toEqual({
      environment: 'live',
      webhookUrl: `http://localhost:4000/api/v1/integrations/stripe/${t.accountId}/webhook`,
      webhookSecretPrefix: 'whsec_grap',
      defaultProductId: product.id,
      sendLicenseEmail: false,
      prices: [{ priceId: 'price_1', productId: product.id, maxActivations: 2 }],
    });
    // REST sees the same settings, prices as an object.
    expect((await t.call('GET', '/api/v1/integrations/stripe')).body.stripe.prices).toEqual({
      price_1: { productId: product.id, maxActivations: 2 },
    });
    expect(dataOf(await gql(`{ stripeIntegration { sendLicenseEmail } }`)).stripeIntegration).toEqual({
      sendLicenseEmail: false,
    });
    expect(dataOf(await gql(`{ stripeIntegration { id } }`, {}, t.testKey)).stripeIntegration).toBeNull();
    // Left out, the sealed secret is kept: a form that edits the mapping cannot send it back.
    const keep = dataOf(
      await gql(
        `mutation($input: ConfigureStripeIntegrationInput!) { configureStripeIntegration(input: $input) {
          __typename ... on ConfigureStripeIntegrationSuccess { stripeIntegration { webhookSecretPrefix prices { priceId } } } } }`,
        { input: { defaultProductId: product.id, prices: [] } },
      ),
    );
    expect(keep.configureStripeIntegration.stripeIntegration).toEqual({
      webhookSecretPrefix: 'whsec_grap',
      prices: [],
    });
    // …but turning it on needs one (the test environment has none).
    const none = dataOf(
      await gql(
        `mutation { configureStripeIntegration(input: {}) { __typename ... on DomainError { code message } } }`,
        {},
        t.testKey,
      ),
    );
    expect(none.configureStripeIntegration).toMatchObject({
      __typename: 'ValidationError',
      code: 'VALIDATION_ERROR',
    });
    const del = `mutation { deleteStripeIntegration { __typename ... on DomainError { code } } }`;
    expect(dataOf(await gql(del)).deleteStripeIntegration.__typename).toBe('DeleteStripeIntegrationSuccess');
    expect(dataOf(await gql(del)).deleteStripeIntegration).toEqual({
      __typename: 'NotFoundError',
      code: 'NOT_FOUND',
    });
  });
});

describe('emails, keys and portal links', () => {
  it('createLicense(sendEmail), sendLicenseKey, the emails outbox and resendEmail', async () => {
    const product = await newProduct(gql);
    const created = dataOf(
      await gql(
        `mutation($input: CreateLicenseInput!) { createLicense(input: $input) {
          __typename ... on CreateLicenseSuccess { license { id customerId } } ... on DomainError { code } } }`,
        { input: { productId: product.id, type: 'perpetual', email: 'gql@example.com', sendEmail: true } },
      ),
    );
    const license = created.createLicense.license;
    const sent = dataOf(
      await gql(
        `mutation($id: ID!) { sendLicenseKey(id: $id) {
          __typename ... on SendLicenseKeySuccess { email { id to template status } } ... on DomainError { code } } }`,
        { id: license.id },
      ),
    );
    expect(sent.sendLicenseKey.email).toMatchObject({
      to: 'gql@example.com',
      template: 'LICENSE_KEY',
      status: 'unsent',
    });
    const outbox = dataOf(
      await gql(
        `query($filter: EmailFilter) { emails(filter: $filter) { totalCount nodes { id subject template status attempts text } } }`,
        { filter: { licenseId: license.id } },
      ),
    );
    expect(outbox.emails.totalCount).toBe(2);
    expect(outbox.emails.nodes[0].text).toContain('license key');
    const resend = dataOf(
      await gql(
        `mutation($id: ID!) { resendEmail(id: $id) { __typename ... on ResendEmailSuccess { email { id status } } } }`,
        {
          id: sent.sendLicenseKey.email.id,
        },
      ),
    );
    expect(resend.resendEmail.email.status).toBe('unsent');
    const node = dataOf(
      await gql(`query($id: ID!) { node(id: $id) { __typename id } }`, { id: sent.sendLicenseKey.email.id }),
    );
    expect(node.node.__typename).toBe('EmailMessage');

    // A license without a customer: a ConflictError, not a GraphQL error.
    const bare = dataOf(
      await gql(
        `mutation($input: CreateLicenseInput!) { createLicense(input: $input) { ... on CreateLicenseSuccess { license { id } } } }`,
        {
          input: { productId: product.id, type: 'perpetual' },
        },
      ),
    );
    const none = dataOf(
      await gql(`mutation($id: ID!) { sendLicenseKey(id: $id) { __typename ... on DomainError { code } } }`, {
        id: bare.createLicense.license.id,
      }),
    );
    expect(none.sendLicenseKey).toEqual({ __typename: 'ConflictError', code: 'CONFLICT' });

    const link = dataOf(
      await gql(
        `mutation($id: ID!) { createCustomerPortalLink(customerId: $id) {
          __typename ... on CreateCustomerPortalLinkSuccess { link { url expiresAt } } ... on DomainError { code } } }`,
        { id: license.customerId },
      ),
    );
    expect(link.createCustomerPortalLink.link.url).toMatch(
      /\/my\/acct_[0-9A-Za-z]+\/sign-in\/[A-Za-z0-9_-]{43}$/,
    );
    const missing = dataOf(
      await gql(`mutation($id: ID!) { createCustomerPortalLink(customerId: $id) { __typename } }`, {
        id: 'cus_nope',
      }),
    );
    expect(missing.createCustomerPortalLink.__typename).toBe('NotFoundError');
  });

  it('sets customerDeactivationsPerMonth on a product', async () => {
    const r = dataOf(
      await gql(
        `mutation($input: CreateProductInput!) { createProduct(input: $input) {
          ... on CreateProductSuccess { product { customerDeactivationsPerMonth } } } }`,
        { input: { name: 'Capped', customerDeactivationsPerMonth: 2 } },
      ),
    );
    expect(r.createProduct.product.customerDeactivationsPerMonth).toBe(2);
  });
});
