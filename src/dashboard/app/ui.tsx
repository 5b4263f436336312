// Building blocks every page uses: labelled fields with their error beside them, buttons that say
// when they are busy, a secret shown once, status badges, tables, and the pager.
import type { ComponentChildren, InputHTMLAttributes } from 'preact';
import { useLayoutEffect, useRef, useState } from 'preact/hooks';

let nextId = 0;
const useId = (prefix: string) => useState(() => `${prefix}-${++nextId}`)[0];

type InputProps = InputHTMLAttributes;

/** A labelled control; its error (if any) is announced and tied to it with aria-describedby. */
export function Field(props: {
  label: string;
  error?: string;
  hint?: string;
  children: (id: string, describedBy: string | undefined, invalid: boolean) => ComponentChildren;
}) {
  const id = useId('f');
  const errId = `${id}-error`;
  const hintId = `${id}-hint`;
  const describedBy =
    [props.error ? errId : '', props.hint ? hintId : ''].filter(Boolean).join(' ') || undefined;
  return (
    <div class={`field${props.error ? ' has-error' : ''}`}>
      <label for={id}>{props.label}</label>
      {props.children(id, describedBy, Boolean(props.error))}
      {props.hint && (
        <p class="hint" id={hintId}>
          {props.hint}
        </p>
      )}
      {props.error && (
        <p class="error" id={errId} role="alert">
          {props.error}
        </p>
      )}
    </div>
  );
}

export function TextField(props: { label: string; error?: string; hint?: string } & InputProps) {
  const { label, error, hint, ...input } = props;
  return (
    <Field label={label} error={error} hint={hint}>
      {(id, describedBy, invalid) => (
        <input id={id} aria-describedby={describedBy} aria-invalid={invalid || undefined} {...input} />
      )}
    </Field>
  );
}

export function SelectField(props: {
  label: string;
  error?: string;
  value: string;
  onChange: (v: string) => void;
  options: { value: string; label: string }[];
  required?: boolean;
  name?: string;
}) {
  return (
    <Field label={props.label} error={props.error}>
      {(id, describedBy, invalid) => (
        <select
          id={id}
          name={props.name}
          value={props.value}
          required={props.required}
          aria-describedby={describedBy}
          aria-invalid={invalid || undefined}
          onChange={(e) => props.onChange(e.currentTarget.value)}
        >
          {props.options.map((o) => (
            <option key={o.value} value={o.value}>
              {o.label}
            </option>
          ))}
        </select>
      )}
    </Field>
  );
}

/** An error that belongs to a whole form or to the button beside it. */
export function FormError(props: { message?: string }) {
  if (!props.message) return null;
  return (
    <p class="error form-error" role="alert">
      {props.message}
    </p>
  );
}

/** A button that runs `action`, disabled while it runs, with an error beside it when it fails. */
export function ActionButton(props: {
  label: string;
  action: () => Promise<string | undefined | void>;
  kind?: 'primary' | 'danger' | 'plain';
  confirm?: string;
  disabled?: boolean;
  ariaLabel?: string;
}) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | undefined>();
  const run = async () => {
    if (props.confirm && !window.confirm(props.confirm)) return;
    setBusy(true);
    setError(undefined);
    try {
      setError((await props.action()) ?? undefined);
    } catch (err) {
      setError(err instanceof Error ? err.message : String(err));
    } finally {
      setBusy(false);
    }
  };
  return (
    <span class="action">
      <button
        type="button"
        class={props.kind ?? 'plain'}
        disabled={busy || props.disabled}
        aria-busy={busy || undefined}
        aria-label={props.ariaLabel}
        onClick={() => void run()}
      >
        {props.label}
      </button>
      {error && (
        <span class="error" role="alert">
          {error}
        </span>
      )}
    </span>
  );
}

/** A secret (API key, webhook signing secret) shown once, with a copy button. */
export function SecretOnce(props: { title: string; secret: string; onDone: () => void }) {
  const [copied, setCopied] = useState(false);
  return (
    <section class="secret" aria-labelledby="secret-title">
      <h2 id="secret-title">{props.title}</h2>
      <p>This is the only time it is shown. Store it now; it cannot be read again.</p>
      <div class="secret-row">
        <code data-testid="secret">{props.secret}</code>
        <button
          type="button"
          onClick={() => {
            void navigator.clipboard?.writeText(props.secret).then(
              () => setCopied(true),
              () => setCopied(false),
            );
          }}
        >
          {copied ? 'Copied' : 'Copy'}
        </button>
      </div>
      <button type="button" class="primary" onClick={props.onDone}>
        I have stored it
      </button>
    </section>
  );
}

export function Badge(props: { value: string }) {
  return <span class={`badge badge-${props.value.toLowerCase()}`}>{props.value.toLowerCase()}</span>;
}

export function Loading(props: { what?: string }) {
  return (
    <p class="muted" role="status">
      Loading{props.what ? ` ${props.what}` : ''}…
    </p>
  );
}

/** A query's error, where its data would be, with a way to try again. */
export function QueryError(props: { error: { message: string } | undefined; retry?: () => void }) {
  if (!props.error) return null;
  return (
    <div class="error-box" role="alert">
      <p>Could not load this: {props.error.message.replace(/^\[(GraphQL|Network)\] /, '')}</p>
      {props.retry && (
        <button type="button" onClick={props.retry}>
          Try again
        </button>
      )}
    </div>
  );
}

export function Empty(props: { children: ComponentChildren }) {
  return <p class="empty">{props.children}</p>;
}

/** Previous / next over a Relay connection, with the page number out of the total. */
export function Pager(props: {
  page: number;
  size: number;
  total: number;
  hasPrevious: boolean;
  hasNext: boolean;
  onPrevious: () => void;
  onNext: () => void;
}) {
  const pages = Math.max(1, Math.ceil(props.total / props.size));
  return (
    <nav class="pager" aria-label="Pages">
      <button type="button" disabled={!props.hasPrevious} onClick={props.onPrevious}>
        Previous
      </button>
      <span aria-live="polite">
        Page {props.page} of {pages} · {props.total.toLocaleString()} in all
      </span>
      <button type="button" disabled={!props.hasNext} onClick={props.onNext}>
        Next
      </button>
    </nav>
  );
}

/** A feature whose server side is not in this build yet: the frame, and what is coming. */
export function Coming(props: { title: string; children: ComponentChildren }) {
  return (
    <section class="card coming" aria-labelledby={`coming-${props.title.replace(/\W+/g, '-')}`}>
      <h2 id={`coming-${props.title.replace(/\W+/g, '-')}`}>
        {props.title} <span class="badge badge-soon">coming</span>
      </h2>
      {props.children}
    </section>
  );
}

/** A table that becomes one card per row on narrow screens: each cell is labelled with its column's
 * header (data-label, shown by the stylesheet), so nothing hides in a sideways scroll. */
export function Table(props: { children: ComponentChildren; class?: string; caption?: string }) {
  const ref = useRef<HTMLTableElement>(null);
  useLayoutEffect(() => {
    const table = ref.current;
    if (!table) return;
    const heads = [...table.querySelectorAll('thead th')].map((th) => th.textContent?.trim() ?? '');
    for (const row of table.querySelectorAll('tbody tr')) {
      [...row.children].forEach((cell, i) => {
        if (heads[i]) cell.setAttribute('data-label', heads[i]);
      });
    }
  });
  return (
    <div class="table-wrap">
      <table ref={ref} class={`stack ${props.class ?? ''}`}>
        {props.caption && <caption class="sr-only">{props.caption}</caption>}
        {props.children}
      </table>
    </div>
  );
}
