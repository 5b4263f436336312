// The dashboard's shell: sign-in, the session (renewed from the cookie on load and before it
// expires), the live connection, the navigation and the "Test mode" switch.
import { Provider } from '@urql/preact';
import { useEffect, useMemo, useState } from 'preact/hooks';
import { connect } from './client';
import { ApiKeysPage } from './pages/api-keys';
import { CustomersPage } from './pages/customers';
import { EmailsPage } from './pages/emails';
import { EventsPage } from './pages/events';
import { LicensePage } from './pages/license';
import { LicensesPage } from './pages/licenses';
import { OverviewPage } from './pages/overview';
import { ProductsPage } from './pages/products';
import { SettingsPage } from './pages/settings';
import { SignIn } from './pages/signin';
import { WebhookPage, WebhooksPage } from './pages/webhooks';
import { Link, navigate, usePath } from './router';
import { type Environment, renew, type Session, signOut } from './session';

export const NAV: [string, string][] = [
  ['', 'Overview'],
  ['/licenses', 'Licenses'],
  ['/products', 'Products'],
  ['/customers', 'Customers'],
  ['/webhooks', 'Webhooks'],
  ['/api-keys', 'API keys'],
  ['/events', 'Events'],
  ['/emails', 'Emails'],
  ['/settings', 'Settings'],
];

function Page(props: { path: string; environment: Environment }) {
  const { path } = props;
  const license = /^\/licenses\/([^/]+)$/.exec(path);
  if (license) return <LicensePage id={decodeURIComponent(license[1]!)} />;
  const webhook = /^\/webhooks\/([^/]+)$/.exec(path);
  if (webhook) return <WebhookPage id={decodeURIComponent(webhook[1]!)} />;
  switch (path) {
    case '':
      return <OverviewPage />;
    case '/licenses':
      return <LicensesPage />;
    case '/products':
      return <ProductsPage />;
    case '/customers':
      return <CustomersPage />;
    case '/webhooks':
      return <WebhooksPage />;
    case '/api-keys':
      return <ApiKeysPage environment={props.environment} />;
    case '/events':
      return <EventsPage />;
    case '/emails':
      return <EmailsPage />;
    case '/settings':
      return <SettingsPage environment={props.environment} />;
    default:
      return (
        <section>
          <h1>Not found</h1>
          <p>
            There is no page here. <Link to="">Go to the Overview</Link>.
          </p>
        </section>
      );
  }
}

export function App() {
  const [session, setSession] = useState<Session | null | undefined>(undefined);
  const [switching, setSwitching] = useState(false);
  const [switchError, setSwitchError] = useState<string | undefined>();
  const path = usePath();

  // On load: the cookie, if any, renews the session.
  useEffect(() => {
    void renew().then(setSession);
  }, []);

  // Renew a few minutes before the token expires.
  useEffect(() => {
    if (!session) return;
    const ms = Math.max(10_000, Date.parse(session.expiresAt) - Date.now() - 5 * 60_000);
    const timer = setTimeout(() => void renew(session.environment).then(setSession), ms);
    return () => clearTimeout(timer);
  }, [session]);

  const conn = useMemo(() => (session ? connect(session.token) : null), [session?.token]);
  useEffect(() => () => void conn?.ws.dispose(), [conn]);

  useEffect(() => {
    const page =
      NAV.find(([p]) => p === path)?.[1] ?? (path.startsWith('/licenses/') ? 'License' : 'Dashboard');
    document.title = `${page} · Traffic Orchestrator`;
    // On a phone the navigation scrolls sideways: keep the current page's link in view.
    document
      .querySelector('.side a[aria-current="page"]')
      ?.scrollIntoView({ block: 'nearest', inline: 'nearest' });
  }, [path]);

  if (session === undefined) return <p class="boot">Loading the dashboard…</p>;
  if (!session || !conn) return <SignIn onSignedIn={setSession} />;

  const test = session.environment === 'test';
  const toggle = async () => {
    setSwitching(true);
    setSwitchError(undefined);
    const next = await renew(test ? 'live' : 'test');
    setSwitching(false);
    if (!next) return setSwitchError('Could not switch: sign in again.');
    // Ids of one environment mean nothing in the other: leave detail pages for their list.
    if (/^\/(licenses|webhooks)\//.test(path)) navigate(path.replace(/\/[^/]+$/, ''));
    setSession(next);
  };

  return (
    <Provider value={conn.client}>
      <a class="skip" href="#main">
        Skip to content
      </a>
      <header class={`top${test ? ' test' : ''}`}>
        <Link to="" class="brand">
          Traffic Orchestrator
        </Link>
        <label class="switch">
          <input
            type="checkbox"
            role="switch"
            checked={test}
            disabled={switching}
            aria-checked={test}
            onChange={() => void toggle()}
          />
          <span>Test mode</span>
        </label>
        {switchError && (
          <span class="error" role="alert">
            {switchError}
          </span>
        )}
        <button
          type="button"
          class="plain signout"
          onClick={() => {
            void signOut().then(() => setSession(null));
          }}
        >
          Sign out
        </button>
      </header>
      {test && (
        <p class="test-banner" role="note">
          Test mode: you are seeing and changing test data only.
        </p>
      )}
      <div class="layout">
        <nav class="side" aria-label="Main">
          <ul>
            {NAV.map(([to, label]) => {
              const current = to === '' ? path === '' : path === to || path.startsWith(`${to}/`);
              return (
                <li key={to}>
                  <Link to={to} aria-current={current ? 'page' : undefined}>
                    {label}
                  </Link>
                </li>
              );
            })}
          </ul>
        </nav>
        <main id="main" tabIndex={-1}>
          <Page key={`${session.environment}${path}`} path={path} environment={session.environment} />
        </main>
      </div>
    </Provider>
  );
}
