// Encryption at rest for secrets the server must be able to read back (signing keys, webhook
// secrets): AES-256-GCM under a master key from TO_SECRET_KEY, or from a key file created with
// 0600 permissions in DATA_DIR when that variable is unset. To rotate it, the old key goes in
// TO_SECRET_KEY_PREVIOUS: secrets open under the current key, else under the previous one, and
// `secrets:reseal` (src/db/reseal.ts) seals every stored one under the current key.
import { createCipheriv, createDecipheriv, createHmac, hkdfSync, randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';

export class SecretBox {
  private readonly macKeys = new Map<string, Buffer>();

  constructor(
    private readonly key: Buffer,
    /** Keys that may still open older secrets (TO_SECRET_KEY_PREVIOUS); nothing is sealed with them. */
    private readonly previous: Buffer[] = [],
  ) {
    for (const k of [key, ...previous]) if (k.length !== 32) throw new Error('SecretBox needs a 32-byte key');
  }

  /** HMAC-SHA256 of `message` (base64url) under a key derived from the master key for `purpose`:
   * values only this deployment can compute (CSRF tokens, sign-in links derived from their id). */
  mac(purpose: string, message: string): string {
    let key = this.macKeys.get(purpose);
    if (!key) {
      key = Buffer.from(hkdfSync('sha256', this.key, 'traffic-orchestrator-mac', purpose, 32));
      this.macKeys.set(purpose, key);
    }
    return createHmac('sha256', key).update(message).digest('base64url');
  }

  seal(plain: string): string {
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.key, iv);
    const ct = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
    return [
      'v1',
      iv.toString('base64url'),
      cipher.getAuthTag().toString('base64url'),
      ct.toString('base64url'),
    ].join('.');
  }

  open(sealed: string): string {
    return this.opened(sealed).plain;
  }

  /** Whether `value` has the shape of a sealed secret (not whether any key opens it). */
  static isSealed(value: string): boolean {
    const [v, iv, tag, ct, extra] = value.split('.');
    return v === 'v1' && Boolean(iv) && Boolean(tag) && ct !== undefined && extra === undefined;
  }

  /** `sealed` under the current key: the same string when it already is, else sealed anew (it was
   * sealed under a previous key). Throws when no key opens it. */
  reseal(sealed: string): { sealed: string; changed: boolean } {
    const { plain, current } = this.opened(sealed);
    return current ? { sealed, changed: false } : { sealed: this.seal(plain), changed: true };
  }

  private opened(sealed: string): { plain: string; current: boolean } {
    const [v, iv, tag, ct] = sealed.split('.');
    if (v !== 'v1' || !iv || !tag || ct === undefined) throw new Error('unrecognised sealed secret');
    let failure: unknown;
    for (const [i, key] of [this.key, ...this.previous].entries()) {
      try {
        const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(iv, 'base64url'));
        decipher.setAuthTag(Buffer.from(tag, 'base64url'));
        const plain = Buffer.concat([decipher.update(Buffer.from(ct, 'base64url')), decipher.final()]);
        return { plain: plain.toString('utf8'), current: i === 0 };
      } catch (err) {
        failure ??= err; // the authentication tag does not match this key: try the next
      }
    }
    throw failure;
  }
}

const derive = (secret: string | Buffer) =>
  Buffer.from(hkdfSync('sha256', secret, 'traffic-orchestrator', 'master-key-v1', 32));

/** The master key: TO_SECRET_KEY if set; else `<DATA_DIR>/secret.key` (created once, mode 0600);
 * an in-memory data dir gets a throw-away key. `previous` is TO_SECRET_KEY_PREVIOUS (the value of
 * the old TO_SECRET_KEY, or the content of the old key file), derived the same way. */
export function loadMasterKey(opts: { secretKey?: string; secretKeyPrevious?: string; dataDir: string }): {
  key: Buffer;
  previous: Buffer[];
  source: string;
} {
  const previous = opts.secretKeyPrevious ? [derive(opts.secretKeyPrevious)] : [];
  return { ...currentKey(opts), previous };
}

function currentKey(opts: { secretKey?: string; dataDir: string }): { key: Buffer; source: string } {
  if (opts.secretKey) return { key: derive(opts.secretKey), source: 'TO_SECRET_KEY' };
  if (opts.dataDir.startsWith('memory://')) return { key: derive(randomBytes(32)), source: 'ephemeral' };
  const file = path.join(opts.dataDir, 'secret.key');
  if (!existsSync(file)) {
    mkdirSync(opts.dataDir, { recursive: true });
    writeFileSync(file, randomBytes(32).toString('base64url') + '\n', { mode: 0o600, flag: 'wx' });
  }
  chmodSync(file, 0o600);
  return { key: derive(readFileSync(file, 'utf8').trim()), source: file };
}
