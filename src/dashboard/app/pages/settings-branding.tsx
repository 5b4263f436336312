// Settings → Branding: name, logo (an https URL, or a PNG/JPEG/WebP uploaded as a data URL; never
// SVG), colours with the contrast rule the customer page and the emails apply (src/lib/colour.ts),
// support contacts, and a live preview of the customer page as the form is typed.
import { useClient } from '@urql/preact';
import { useState } from 'preact/hooks';
import { contrast, inkOf, PAGE_GREY, textOn } from '../../../lib/colour';
import { type BrandingFieldsFragment, BrandingDocument, UpdateBrandingDocument } from '../../gql/graphql';
import { useLiveQuery } from '../live';
import { type Failure, mutate } from '../mutate';
import { FormError, Loading, QueryError, TextField } from '../ui';

type Form = Record<
  'name' | 'logoUrl' | 'primaryColor' | 'accentColor' | 'supportEmail' | 'supportUrl',
  string
>;
type FieldProps = {
  value: string;
  name: string;
  error?: string;
  onInput: (e: { currentTarget: HTMLInputElement }) => void;
};
const FIELDS = ['name', 'logoUrl', 'primaryColor', 'accentColor', 'supportEmail', 'supportUrl'] as const;
const HEX = /^#[0-9A-Fa-f]{6}$/;
const LOGO_MAX = 256 * 1024;

const formOf = (b: BrandingFieldsFragment): Form => ({
  name: b.name,
  logoUrl: b.logoUrl ?? '',
  primaryColor: b.primaryColor,
  accentColor: b.accentColor,
  supportEmail: b.supportEmail ?? '',
  supportUrl: b.supportUrl ?? '',
});

export function BrandingSettings() {
  const [r, refetch] = useLiveQuery(BrandingDocument, {});
  const b = r.data?.branding;
  return (
    <section class="card" aria-labelledby="branding-title">
      <h2 id="branding-title">Branding</h2>
      <p class="muted">
        How the customer page and the emails look. The page is at{' '}
        {b ? (
          <a href={b.customerPageUrl} class="break" data-testid="customer-page-url">
            {b.customerPageUrl}
          </a>
        ) : (
          'its address'
        )}
        .
      </p>
      <QueryError error={r.error} retry={refetch} />
      {!b && !r.error && <Loading what="the branding" />}
      {b && <BrandingForm branding={b} onSaved={refetch} />}
    </section>
  );
}

function BrandingForm(props: { branding: BrandingFieldsFragment; onSaved: () => void }) {
  const client = useClient();
  const [saved, setSaved] = useState<Form>(() => formOf(props.branding));
  const [v, setV] = useState<Form>(saved);
  const [failure, setFailure] = useState<Failure>({ fields: {} });
  const [done, setDone] = useState(false);
  const input = (k: keyof Form): FieldProps => ({
    value: v[k],
    name: k,
    error: failure.fields[k],
    onInput: (e: { currentTarget: HTMLInputElement }) => setV({ ...v, [k]: e.currentTarget.value }),
  });
  const changed = FIELDS.filter((k) => v[k].trim() !== saved[k]);
  const save = async (e: Event) => {
    e.preventDefault();
    const fields = Object.fromEntries(changed.map((k) => [k, v[k].trim() || null]));
    const res = await mutate(client, UpdateBrandingDocument, { input: fields }, 'updateBranding', [
      ...FIELDS,
    ]);
    if (!res.ok) return setFailure(res.failure);
    setFailure({ fields: {} });
    if (res.data.__typename === 'UpdateBrandingSuccess') {
      const next = formOf(res.data.branding);
      setSaved(next);
      setV(next);
    }
    setDone(true);
    props.onSaved();
  };
  const upload = (file: File | undefined) => {
    if (!file) return;
    if (!/^image\/(png|jpeg|webp)$/.test(file.type))
      return setFailure({ fields: { logoUrl: 'Upload a PNG, JPEG or WebP image (SVG is not accepted).' } });
    if (file.size > LOGO_MAX)
      return setFailure({ fields: { logoUrl: `The image must be at most ${LOGO_MAX / 1024} KB.` } });
    const reader = new FileReader();
    reader.onload = () => setV((cur) => ({ ...cur, logoUrl: reader.result as string }));
    reader.readAsDataURL(file);
  };
  const primary = HEX.test(v.primaryColor) ? v.primaryColor.toUpperCase() : saved.primaryColor;
  const accent = HEX.test(v.accentColor) ? v.accentColor.toUpperCase() : saved.accentColor;
  return (
    <div class="branding">
      <form class="form" onSubmit={(e) => void save(e)} noValidate aria-label="Branding">
        <div class="grid">
          <TextField label="Name" {...input('name')} />
          <TextField
            label="Support email"
            type="email"
            placeholder="help@example.com"
            {...input('supportEmail')}
          />
          <TextField
            label="Support URL"
            type="url"
            placeholder="https://example.com/support"
            {...input('supportUrl')}
          />
        </div>
        <TextField
          label="Logo URL"
          placeholder="https://example.com/logo.png"
          hint="An https URL, or upload a PNG, JPEG or WebP of at most 256 KB. No SVG."
          {...input('logoUrl')}
          value={
            v.logoUrl.startsWith('data:') ? `(uploaded image, ${v.logoUrl.length} characters)` : v.logoUrl
          }
          readOnly={v.logoUrl.startsWith('data:')}
        />
        <div class="buttons">
          <label class="upload">
            <span>Upload a logo</span>
            <input
              type="file"
              accept="image/png,image/jpeg,image/webp"
              onChange={(e) => upload(e.currentTarget.files?.[0])}
            />
          </label>
          {v.logoUrl && (
            <button type="button" onClick={() => setV({ ...v, logoUrl: '' })}>
              Remove logo
            </button>
          )}
        </div>
        <div class="grid">
          <ColourField
            label="Primary colour"
            input={input('primaryColor')}
            set={(c) => setV({ ...v, primaryColor: c })}
          />
          <ColourField
            label="Accent colour"
            input={input('accentColor')}
            set={(c) => setV({ ...v, accentColor: c })}
          />
        </div>
        <FormError message={failure.form} />
        <div class="buttons">
          <button type="submit" class="primary" disabled={changed.length === 0}>
            Save branding
          </button>
          {changed.length > 0 && (
            <button type="button" onClick={() => (setV(saved), setFailure({ fields: {} }))}>
              Discard changes
            </button>
          )}
          {done && changed.length === 0 && (
            <span class="ok" role="status">
              Saved.
            </span>
          )}
        </div>
      </form>
      <Preview
        name={v.name.trim() || saved.name}
        logo={v.logoUrl.trim()}
        primary={primary}
        accent={accent}
        supportEmail={v.supportEmail.trim()}
      />
    </div>
  );
}

/** A #RRGGBB field with a picker beside it, and what the contrast rule makes of the colour. */
function ColourField(props: { label: string; input: FieldProps; set: (c: string) => void }) {
  const value = props.input.value;
  const ok = HEX.test(value);
  const c = value.toUpperCase();
  const on = ok ? textOn(c) : null;
  const ink = ok ? inkOf(c) : null;
  return (
    <div class="colour">
      <TextField
        label={props.label}
        placeholder="#RRGGBB"
        maxLength={7}
        hint={
          ok
            ? `Text on it: ${on === '#FFFFFF' ? 'white' : 'near-black'} (${contrast(c, on!).toFixed(1)}:1). ` +
              (ink === c
                ? `As text on the page: ${contrast(c, PAGE_GREY).toFixed(1)}:1.`
                : `Too light for text on the page (${contrast(c, PAGE_GREY).toFixed(1)}:1): links use ${ink} (${contrast(ink!, PAGE_GREY).toFixed(1)}:1).`)
            : 'Six hex digits, such as #1F4FD1.'
        }
        {...props.input}
      />
      <input
        type="color"
        class="picker"
        aria-label={`Pick the ${props.label.toLowerCase()}`}
        value={ok ? value.toLowerCase() : '#000000'}
        onInput={(e) => props.set(e.currentTarget.value.toUpperCase())}
      />
    </div>
  );
}

/** The customer page in miniature, themed the way the server themes it (src/pages/assets.ts). */
function Preview(props: {
  name: string;
  logo: string;
  primary: string;
  accent: string;
  supportEmail: string;
}) {
  const style = {
    '--p-primary': props.primary,
    '--p-on-primary': textOn(props.primary),
    '--p-ink': inkOf(props.primary),
    '--p-accent': props.accent,
    '--p-accent-ink': inkOf(props.accent),
  };
  const logo = /^(https:|data:image\/(png|jpeg|webp);)/.test(props.logo) ? props.logo : null;
  return (
    <figure class="preview" aria-labelledby="preview-caption">
      <figcaption id="preview-caption">Preview of the customer page</figcaption>
      <div class="preview-page" style={style} data-testid="branding-preview">
        <div class="p-top">
          {logo ? (
            <img class="p-logo" src={logo} alt={props.name} />
          ) : (
            <span class="p-brand">{props.name}</span>
          )}
          <span class="p-muted">ada@example.com</span>
        </div>
        <div class="p-body">
          <p class="p-title">Your licenses</p>
          <div class="p-card">
            <strong>Desktop App</strong> <span class="p-badge">active</span>
            <div class="p-key">
              <code>ABCD-••••-••••-WXYZ</code> <span class="p-reveal">Reveal</span>
            </div>
            <div class="p-row">
              <span>Work laptop · mac</span>
              <span class="p-button">Deactivate</span>
            </div>
          </div>
          <p class="p-muted">
            Need help? <span class="p-link">{props.supportEmail || 'Contact support'}</span>
          </p>
        </div>
      </div>
    </figure>
  );
}
