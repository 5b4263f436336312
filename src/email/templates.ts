// The emails of §13, each with a text and an HTML part in the account's branding. They are rendered
// when the outbox row is written (the row keeps what will be sent); a sign-in email's link holds
// LOGIN_TOKEN in place of its token, which the dispatcher derives when it sends (never stored).
import { type Branding, inkOf, textOn } from '../accounts/branding.service';

export const LOGIN_TOKEN = '{{login_token}}';

export type EmailTemplate =
  'license_key' | 'magic_link' | 'license_expiring' | 'license_expired' | 'license_renewed';
export const EMAIL_TEMPLATES: EmailTemplate[] = [
  'license_key',
  'magic_link',
  'license_expiring',
  'license_expired',
  'license_renewed',
];

interface LicenseFacts {
  productName: string;
  /** The page of the customer's licenses. */
  pageUrl: string;
}

export interface TemplateParams {
  license_key: LicenseFacts & { licenseKey: string; licenseType: string; expiresAt: Date | null };
  magic_link: { signInUrl: string; minutes: number };
  license_expiring: LicenseFacts & { maskedKey: string; expiresAt: Date };
  license_expired: LicenseFacts & { maskedKey: string; expiredAt: Date };
  license_renewed: LicenseFacts & { maskedKey: string; expiresAt: Date | null };
}

export interface Rendered {
  subject: string;
  text: string;
  html: string;
}

/** One block of an email: a paragraph, a license key, a button or small print. */
type Block = { p: string } | { key: string } | { button: string; href: string } | { small: string };

const escape = (s: string) =>
  s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

const day = (d: Date) => d.toISOString().slice(0, 10);

function compose(b: Branding, subject: string, blocks: Block[]): Rendered {
  const footer = [
    b.supportEmail ? `Questions? Write to ${b.supportEmail}.` : null,
    b.supportUrl ? `Help: ${b.supportUrl}` : null,
  ].filter((l): l is string => l !== null);
  const text = [
    b.name,
    '',
    ...blocks.flatMap((k) =>
      'p' in k
        ? [k.p, '']
        : 'key' in k
          ? [`    ${k.key}`, '']
          : 'button' in k
            ? [`${k.button}: ${k.href}`, '']
            : [k.small, ''],
    ),
    ...(footer.length ? ['--', ...footer] : []),
  ].join('\n');

  const font = "font-family:-apple-system,'Segoe UI',Roboto,Helvetica,Arial,sans-serif";
  const ink = inkOf(b.primaryColor);
  const body = blocks
    .map((k) => {
      if ('p' in k) return `<p style="margin:0 0 16px">${escape(k.p)}</p>`;
      if ('small' in k)
        return `<p style="margin:0 0 16px;font-size:13px;color:#57606a">${escape(k.small)}</p>`;
      if ('key' in k) {
        return `<p style="margin:0 0 16px"><code style="font-family:ui-monospace,Menlo,Consolas,monospace;font-size:18px;letter-spacing:1px;background:#f6f8fa;border:1px solid ${b.accentColor};border-radius:6px;padding:8px 12px;display:inline-block">${escape(k.key)}</code></p>`;
      }
      return `<p style="margin:0 0 16px"><a href="${escape(k.href)}" style="background:${b.primaryColor};color:${textOn(b.primaryColor)};text-decoration:none;padding:12px 20px;border-radius:6px;display:inline-block;font-weight:600">${escape(k.button)}</a></p>`;
    })
    .join('\n');
  const logo = b.logoUrl
    ? `<img src="${escape(b.logoUrl)}" alt="${escape(b.name)}" style="max-height:48px;max-width:200px;border:0">`
    : `<span style="font-size:20px;font-weight:700;color:${ink}">${escape(b.name)}</span>`;
  const foot = footer.length
    ? `<tr><td style="padding:16px 32px;border-top:1px solid #d0d7de;font-size:13px;color:#57606a">${footer.map(escape).join('<br>')}</td></tr>`
    : '';
  const html = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>${escape(subject)}</title></head>
<body style="margin:0;padding:0;background:#f4f5f7">
<table role="presentation" width="100%" cellpadding="0" cellspacing="0" style="background:#f4f5f7"><tr><td align="center" style="padding:24px 12px">
<table role="presentation" width="100%" cellpadding="0" cellspacing="0" style="max-width:560px;background:#ffffff;border-radius:8px;border-top:4px solid ${b.primaryColor};${font};color:#1f2328;font-size:16px;line-height:1.5">
<tr><td style="padding:24px 32px 8px">${logo}</td></tr>
<tr><td style="padding:8px 32px 8px">
${body}
</td></tr>
${foot}
</table>
</td></tr></table>
</body></html>
`;
  return { subject, text, html };
}

const RENDER: { [T in EmailTemplate]: (b: Branding, p: TemplateParams[T]) => Rendered } = {
  license_key: (b, p) =>
    compose(b, `Your ${p.productName} license key`, [
      { p: `Thank you for choosing ${p.productName}. Here is your license key:` },
      { key: p.licenseKey },
      {
        p:
          p.licenseType === 'perpetual' || !p.expiresAt
            ? 'Enter it in the app to activate it.'
            : `Enter it in the app to activate it. It is valid until ${day(p.expiresAt)}.`,
      },
      { p: 'You can see your licenses and free a device on your customer page:' },
      { button: 'Open your customer page', href: p.pageUrl },
    ]),
  magic_link: (b, p) =>
    compose(b, `Sign in to ${b.name}`, [
      {
        p: `Use this link to sign in to your ${b.name} customer page. It works once, within ${p.minutes} minutes.`,
      },
      { button: 'Sign in', href: p.signInUrl },
      { small: 'If you did not ask for it, ignore this email: nobody can sign in without the link.' },
    ]),
  license_expiring: (b, p) =>
    compose(b, `Your ${p.productName} license expires on ${day(p.expiresAt)}`, [
      { p: `Your ${p.productName} license ${p.maskedKey} expires on ${day(p.expiresAt)}.` },
      { p: 'Renew it to keep using the app without interruption.' },
      { button: 'Open your customer page', href: p.pageUrl },
    ]),
  license_expired: (b, p) =>
    compose(b, `Your ${p.productName} license has expired`, [
      { p: `Your ${p.productName} license ${p.maskedKey} expired on ${day(p.expiredAt)}.` },
      { p: 'Renew it to start using the app again.' },
      { button: 'Open your customer page', href: p.pageUrl },
    ]),
  license_renewed: (b, p) =>
    compose(b, `Your ${p.productName} license was renewed`, [
      {
        p: p.expiresAt
          ? `Your ${p.productName} license ${p.maskedKey} was renewed. It is now valid until ${day(p.expiresAt)}.`
          : `Your ${p.productName} license ${p.maskedKey} was renewed.`,
      },
      { button: 'Open your customer page', href: p.pageUrl },
    ]),
};

export function renderEmail<T extends EmailTemplate>(
  template: T,
  branding: Branding,
  params: TemplateParams[T],
) {
  return RENDER[template](branding, params);
}

/** `ABCD-…-MNOP`: enough of a key to recognise it, not enough to use it. */
export const maskKey = (key: string) => (key.length <= 8 ? '••••' : `${key.slice(0, 4)}-…-${key.slice(-4)}`);
