// Branding and custom-domain inputs (camelCase, door-neutral: see src/lib/schema.ts). Colours are
// #RRGGBB; a logo is an https URL or a base64 PNG, JPEG or WebP data URL of at most 256 KB, never
// SVG (it can carry script) and never anything whose bytes are not the image type it claims.
import { z } from 'zod';
import { clearable } from '../lib/schema';

export const LOGO_MAX_BYTES = 256 * 1024;

const colour = z.string().regex(/^#[0-9A-Fa-f]{6}$/, 'must be a #RRGGBB colour');

const MAGIC: Record<string, (b: Buffer) => boolean> = {
  png: (b) => b.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])),
  jpeg: (b) => b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff,
  webp: (b) =>
    b.subarray(0, 4).toString('latin1') === 'RIFF' && b.subarray(8, 12).toString('latin1') === 'WEBP',
};

/** Why a logo URL is refused, or null when it is acceptable. */
export function logoProblem(value: string): string | null {
  if (value.startsWith('data:')) {
    const m = /^data:image\/(png|jpeg|webp);base64,([A-Za-z0-9+/]+={0,2})$/.exec(value);
    if (!m) return 'a data URL must be data:image/png, image/jpeg or image/webp, base64-encoded';
    const bytes = Buffer.from(m[2]!, 'base64');
    if (bytes.length > LOGO_MAX_BYTES) return `the image must be at most ${LOGO_MAX_BYTES / 1024} KB`;
    if (!MAGIC[m[1]!]!(bytes)) return `the data is not a ${m[1]!.toUpperCase()} image`;
    return null;
  }
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return 'must be an https URL or a data:image/png|jpeg|webp;base64 URL';
  }
  if (url.protocol !== 'https:') return 'must be an https URL or a data:image/png|jpeg|webp;base64 URL';
  if (url.username || url.password) return 'must not carry credentials';
  if (value.length > 2048) return 'an https URL must be at most 2048 characters';
  if (/\.svgz?$/i.test(url.pathname)) return 'SVG logos are not accepted';
  return null;
}

const logo = z
  .string()
  .trim()
  .superRefine((v, ctx) => {
    const why = logoProblem(v);
    if (why) ctx.addIssue({ code: 'custom', message: why });
  });

const httpsUrl = z
  .string()
  .trim()
  .max(2048)
  .refine((v) => /^https?:\/\/[^\s]+$/.test(v) && URL.canParse(v), 'must be an http(s) URL');

/** Only the fields given change; null clears one (the name then falls back to the account's name). */
export const UpdateBrandingInput = z.object({
  name: clearable(z.string().trim().min(1).max(100)),
  logoUrl: clearable(logo),
  primaryColor: clearable(colour),
  accentColor: clearable(colour),
  supportEmail: clearable(z.string().trim().email().max(254)),
  supportUrl: clearable(httpsUrl),
});
export type UpdateBrandingInput = z.output<typeof UpdateBrandingInput>;

const HOST = /^(?=.{1,253}$)(?!-)[a-z0-9-]{1,63}(?<!-)(\.(?!-)[a-z0-9-]{1,63}(?<!-))+$/;

export const AddDomainInput = z.object({
  host: z
    .string()
    .trim()
    .toLowerCase()
    .transform((h) => h.replace(/\.$/, ''))
    .refine(
      (h) => HOST.test(h) && /[a-z]/.test(h.slice(h.lastIndexOf('.') + 1)),
      'must be a host name such as licenses.example.com (no scheme, port, path or IP address)',
    ),
});
export type AddDomainInput = z.output<typeof AddDomainInput>;
