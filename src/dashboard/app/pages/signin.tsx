import { useState } from 'preact/hooks';
import { type Environment, type Session, signIn } from '../session';
import { FormError, TextField } from '../ui';

export function SignIn(props: { onSignedIn: (s: Session) => void }) {
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [test, setTest] = useState(false);
  const [busy, setBusy] = useState(false);
  const [form, setForm] = useState<string | undefined>();
  const [fields, setFields] = useState<Record<string, string>>({});

  const submit = async (e: Event) => {
    e.preventDefault();
    setBusy(true);
    const environment: Environment = test ? 'test' : 'live';
    const r = await signIn(email, password, environment);
    setBusy(false);
    if (r.ok) return props.onSignedIn(r.session);
    setFields(r.error.fields);
    setForm(Object.keys(r.error.fields).length ? undefined : r.error.message);
  };

  return (
    <main class="signin" id="main">
      <form onSubmit={(e) => void submit(e)} noValidate aria-labelledby="signin-title">
        <h1 id="signin-title">Traffic Orchestrator</h1>
        <p class="muted">Sign in to your account's dashboard.</p>
        <TextField
          label="Email"
          type="email"
          name="email"
          autoComplete="username"
          required
          value={email}
          error={fields.email}
          onInput={(e) => setEmail(e.currentTarget.value)}
        />
        <TextField
          label="Password"
          type="password"
          name="password"
          autoComplete="current-password"
          required
          value={password}
          error={fields.password}
          onInput={(e) => setPassword(e.currentTarget.value)}
        />
        <label class="check">
          <input
            type="checkbox"
            role="switch"
            checked={test}
            onChange={(e) => setTest(e.currentTarget.checked)}
          />
          <span>Test mode</span>
        </label>
        <FormError message={form} />
        <button type="submit" class="primary" disabled={busy}>
          Sign in
        </button>
      </form>
    </main>
  );
}
