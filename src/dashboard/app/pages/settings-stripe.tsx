// Settings → Stripe, for the environment on screen: the webhook URL to give Stripe, the signing
// secret (typed once, then sealed: only its prefix is ever shown), the default product, the price
// → product mapping, whether checkouts email the key; and turning the integration off.
import { useClient } from '@urql/preact';
import { useState } from 'preact/hooks';
import {
  ConfigureStripeIntegrationDocument,
  DeleteStripeIntegrationDocument,
  type LicenseType,
  type StripeFieldsFragment,
  StripeSettingsDocument,
} from '../../gql/graphql';
import { dateTime } from '../format';
import { useLiveQuery } from '../live';
import { type Failure, mutate } from '../mutate';
import type { Environment } from '../session';
import { ActionButton, FormError, Loading, QueryError, SelectField, TextField } from '../ui';

interface PriceRow {
  priceId: string;
  productId: string;
  type: string;
  plan: string;
  maxActivations: string;
}

const TYPES = [
  { value: '', label: 'Default' },
  { value: 'perpetual', label: 'perpetual' },
  { value: 'subscription', label: 'subscription' },
  { value: 'trial', label: 'trial' },
  { value: 'floating', label: 'floating' },
];

const rowsOf = (i: StripeFieldsFragment | null | undefined): PriceRow[] =>
  (i?.prices ?? []).map((p) => ({
    priceId: p.priceId,
    productId: p.productId,
    type: p.type ?? '',
    plan: p.plan ?? '',
    maxActivations: p.maxActivations == null ? '' : String(p.maxActivations),
  }));

export function StripeSettings(props: { environment: Environment }) {
  const [r, refetch] = useLiveQuery(StripeSettingsDocument, {});
  return (
    <section class="card" aria-labelledby="stripe-title">
      <h2 id="stripe-title">Stripe</h2>
      <p class="muted">
        Checkouts and subscriptions in Stripe issue, renew, suspend and expire licenses. Set per environment:
        this is the <strong>{props.environment}</strong> one.
      </p>
      <QueryError error={r.error} retry={refetch} />
      {!r.data && !r.error && <Loading what="the Stripe settings" />}
      {r.data && (
        <StripeForm
          key={r.data.stripeIntegration?.updatedAt ?? 'off'}
          integration={r.data.stripeIntegration ?? null}
          products={r.data.products.nodes}
          onChange={refetch}
        />
      )}
    </section>
  );
}

function StripeForm(props: {
  integration: StripeFieldsFragment | null;
  products: { id: string; name: string }[];
  onChange: () => void;
}) {
  const client = useClient();
  const i = props.integration;
  const [secret, setSecret] = useState('');
  const [defaultProductId, setDefault] = useState(i?.defaultProductId ?? '');
  const [sendLicenseEmail, setSend] = useState(i?.sendLicenseEmail ?? true);
  const [prices, setPrices] = useState<PriceRow[]>(rowsOf(i));
  const [failure, setFailure] = useState<Failure>({ fields: {} });
  const [copied, setCopied] = useState(false);
  const products = [
    { value: '', label: 'None' },
    ...props.products.map((p) => ({ value: p.id, label: p.name })),
  ];
  const setRow = (n: number, patch: Partial<PriceRow>) =>
    setPrices(prices.map((p, j) => (j === n ? { ...p, ...patch } : p)));
  const save = async (e: Event) => {
    e.preventDefault();
    const res = await mutate(
      client,
      ConfigureStripeIntegrationDocument,
      {
        input: {
          webhookSecret: secret.trim() || null,
          defaultProductId: defaultProductId || null,
          sendLicenseEmail,
          prices: prices
            .filter((p) => p.priceId.trim() || p.productId)
            .map((p) => ({
              priceId: p.priceId.trim(),
              productId: p.productId,
              type: (p.type || null) as LicenseType | null,
              plan: p.plan.trim() || null,
              maxActivations: p.maxActivations ? Number(p.maxActivations) : null,
            })),
        },
      },
      'configureStripeIntegration',
      ['webhookSecret', 'defaultProductId'],
    );
    if (!res.ok) return setFailure(res.failure);
    setFailure({ fields: {} });
    props.onChange(); // remounts this form with what was stored (the secret field empty again)
  };
  return (
    <>
      {i && (
        <dl class="facts">
          <dt>State</dt>
          <dd data-testid="stripe-state">on since {dateTime(i.updatedAt)}</dd>
          <dt>Webhook URL</dt>
          <dd>
            <code class="break" data-testid="stripe-webhook-url">
              {i.webhookUrl}
            </code>{' '}
            <button
              type="button"
              onClick={() =>
                void navigator.clipboard?.writeText(i.webhookUrl).then(
                  () => setCopied(true),
                  () => setCopied(false),
                )
              }
            >
              {copied ? 'Copied' : 'Copy'}
            </button>
          </dd>
          <dt>Signing secret</dt>
          <dd>
            <span class="mono" data-testid="stripe-secret">
              {i.webhookSecretPrefix}…
            </span>{' '}
            <span class="muted">sealed; never shown again</span>
          </dd>
        </dl>
      )}
      {!i && (
        <p data-testid="stripe-state">
          Off. In Stripe, add a webhook endpoint for <code>checkout.session.completed</code>,{' '}
          <code>checkout.session.async_payment_succeeded</code>, <code>invoice.paid</code>,{' '}
          <code>customer.subscription.updated</code> and <code>customer.subscription.deleted</code>, then
          paste its signing secret here. The endpoint’s URL is shown once the integration is on.
        </p>
      )}
      <form class="form stripe-form" onSubmit={(e) => void save(e)} noValidate aria-label="Stripe settings">
        <div class="grid">
          <TextField
            label={i ? 'New signing secret' : 'Signing secret'}
            type="password"
            autoComplete="off"
            placeholder="whsec_…"
            hint={
              i
                ? `Leave empty to keep ${i.webhookSecretPrefix}….`
                : 'From the Stripe endpoint (whsec_…). Stored sealed; only its start is shown.'
            }
            value={secret}
            error={failure.fields.webhookSecret}
            onInput={(e) => setSecret(e.currentTarget.value)}
          />
          <SelectField
            label="Default product"
            value={defaultProductId}
            onChange={setDefault}
            options={products}
            error={failure.fields.defaultProductId}
          />
        </div>
        <label class="check">
          <input
            type="checkbox"
            checked={sendLicenseEmail}
            onChange={(e) => setSend(e.currentTarget.checked)}
          />
          <span>Email the license key after each checkout</span>
        </label>
        <fieldset class="prices">
          <legend>Prices: what a checkout of each Stripe price makes</legend>
          {prices.length === 0 && (
            <p class="muted">No price mapping: checkouts use metadata or the default product.</p>
          )}
          {prices.map((p, n) => (
            <div class="price-row" key={n} role="group" aria-label={`Price ${n + 1}`}>
              <TextField
                label="Price ID"
                placeholder="price_…"
                value={p.priceId}
                onInput={(e) => setRow(n, { priceId: e.currentTarget.value })}
              />
              <SelectField
                label="Product"
                value={p.productId}
                onChange={(v) => setRow(n, { productId: v })}
                options={[{ value: '', label: 'Choose…' }, ...products.slice(1)]}
              />
              <SelectField
                label="Type"
                value={p.type}
                onChange={(v) => setRow(n, { type: v })}
                options={TYPES}
              />
              <TextField
                label="Plan"
                value={p.plan}
                onInput={(e) => setRow(n, { plan: e.currentTarget.value })}
              />
              <TextField
                label="Max activations"
                type="number"
                min={1}
                value={p.maxActivations}
                onInput={(e) => setRow(n, { maxActivations: e.currentTarget.value })}
              />
              <button
                type="button"
                aria-label={`Remove price ${p.priceId || n + 1}`}
                onClick={() => setPrices(prices.filter((_, j) => j !== n))}
              >
                Remove
              </button>
            </div>
          ))}
          <button
            type="button"
            onClick={() =>
              setPrices([...prices, { priceId: '', productId: '', type: '', plan: '', maxActivations: '' }])
            }
          >
            Add a price
          </button>
        </fieldset>
        <FormError message={failure.form} />
        <div class="buttons">
          <button type="submit" class="primary">
            {i ? 'Save Stripe settings' : 'Turn on Stripe'}
          </button>
          {i && (
            <ActionButton
              label="Turn off Stripe"
              kind="danger"
              confirm="Turn the Stripe integration off in this environment? Its events are then refused."
              action={async () => {
                const res = await mutate(
                  client,
                  DeleteStripeIntegrationDocument,
                  {},
                  'deleteStripeIntegration',
                );
                if (!res.ok) return res.failure.form;
                props.onChange();
              }}
            />
          )}
        </div>
      </form>
    </>
  );
}
