// Offline token cost: signing (node:crypto Ed25519, as the server does) and verifying (jose against
// the JWKS, as the SDK does), per token. Baseline in the same run: a bare HMAC-SHA256 of the same
// payload (the cheapest signature there is).
import { createHmac } from 'node:crypto';
import { createLocalJWKSet, jwtVerify } from 'jose';
import { buildApp } from '../../src/app';
import { testConfig } from '../../src/config';
import { signOfflineToken } from '../../src/licensing/offline-token';
import { type BenchOptions, machineFacts } from './lib';

const time = async (n: number, fn: (i: number) => unknown) => {
  for (let i = 0; i < Math.min(1000, n); i++) await fn(i);
  const t0 = performance.now();
  for (let i = 0; i < n; i++) await fn(i);
  return ((performance.now() - t0) * 1000) / n;
};

export async function tokensBench(_opts: BenchOptions): Promise<void> {
  const n = Number(process.env.BENCH_TOKENS ?? 20000);
  const facts = machineFacts();
  console.log(
    `offline token benchmark: ${n} tokens each; node ${facts.node}, load average ${facts.loadAvg1m}`,
  );
  const app = await buildApp(testConfig({ logLevel: 'silent' }), { jobs: false });
  try {
    const keys = app.deps.signingKeys;
    const subject = {
      licenseId: 'lic_benchbenchbenchbench',
      licenseKey: 'ABCD-EFGH-JKMN-PQRS',
      productId: 'prod_benchbenchbenchben',
      type: 'subscription' as const,
      status: 'active' as const,
      expiresAt: new Date(Date.now() + 30 * 86400_000),
      graceSeconds: 7 * 86400,
      machineId: 'machine-0123456789abcdef',
      entitlements: ['export', 'sso'],
    };
    const now = new Date();
    const token = signOfflineToken(keys, subject, now).token;
    const payload = token.split('.').slice(0, 2).join('.');
    const hmacUs = await time(n, () => createHmac('sha256', 'k').update(payload).digest('base64url'));
    const signUs = await time(n, () => signOfflineToken(keys, subject, now));
    const jwks = createLocalJWKSet(keys.publicJwks() as never);
    const verifyUs = await time(n, () => jwtVerify(token, jwks, { audience: subject.productId }));
    console.log(`  baseline HMAC-SHA256 of the payload: ${hmacUs.toFixed(1)} µs`);
    console.log(
      `  sign (Ed25519, node:crypto):         ${signUs.toFixed(1)} µs/token (${Math.round(1e6 / signUs)}/s)`,
    );
    console.log(
      `  verify (jose, EdDSA, JWKS):          ${verifyUs.toFixed(1)} µs/token (${Math.round(1e6 / verifyUs)}/s)`,
    );
    console.log(`  token size: ${token.length} characters`);
    console.log(JSON.stringify({ bench: 'tokens', n, hmacUs, signUs, verifyUs, tokenChars: token.length }));
  } finally {
    await app.stop();
  }
}
