// The seed's Python/Flask and PHP verification snippets, run as real processes that receive a real
// delivery: each answers 200 when the snippet accepts the signature and 401 when it does not. The
// snippets' verification code is copied unchanged; only the web framework around them differs
// (Flask's `request` is stood in for by http.server, PHP runs under `php -S`).
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeApp, productAndLicense, type TestApp } from './helpers/app';
import { freePort } from './helpers/webhook-receiver';

const PYTHON = '/usr/bin/python3';
const hasPython = existsSync(PYTHON);
const hasPhp = spawnSync('php', ['-v']).status === 0;

const PYTHON_SERVER = `
import hmac, hashlib, time, os, sys
from http.server import BaseHTTPRequestHandler, HTTPServer

WEBHOOK_SECRET = os.environ['WEBHOOK_SECRET']

# --- the seed's Python / Flask snippet, unchanged ---
def verify_webhook(req, secret):
    signature = req.headers.get('X-TO-Signature', '')
    timestamp = req.headers.get('X-TO-Timestamp', '0')
    # Reject if older than 5 minutes
    if time.time() - int(timestamp) > 300:
        return False
    expected = hmac.new(
        secret.encode(),
        f"{timestamp}.{req.get_data(as_text=True)}".encode(),
        hashlib.sha256
    ).hexdigest()
    return hmac.compare_digest(signature, expected)
# --- end of snippet ---

class FlaskLikeRequest:
    """What the snippet uses of flask.request: case-insensitive headers and get_data()."""
    def __init__(self, headers, body):
        self.headers = headers
        self._body = body
    def get_data(self, as_text=False):
        return self._body.decode('utf-8', 'replace') if as_text else self._body

class Handler(BaseHTTPRequestHandler):
    def do_POST(self):
        body = self.rfile.read(int(self.headers.get('Content-Length', '0')))
        ok = verify_webhook(FlaskLikeRequest(self.headers, body), WEBHOOK_SECRET)
        self.send_response(200 if ok else 401)
        self.send_header('Content-Type', 'application/json')
        self.end_headers()
        self.wfile.write(b'{"received": true}' if ok else b'{"error": "Invalid signature"}')
        print('ok' if ok else 'fail', flush=True)
    def log_message(self, *args):
        pass

server = HTTPServer(('127.0.0.1', 0), Handler)
print(server.server_address[1], flush=True)
server.serve_forever()
`;

// The seed's PHP snippet, unchanged, as the router script of PHP's built-in server.
const PHP_ROUTER = `<?php
$secret = getenv('WEBHOOK_SECRET');
$signature = $_SERVER['HTTP_X_TO_SIGNATURE'] ?? '';
$timestamp = $_SERVER['HTTP_X_TO_TIMESTAMP'] ?? '0';
$body = file_get_contents('php://input');

// Reject if older than 5 minutes
if (time() - (int)$timestamp > 300) {
    http_response_code(401);
    exit(json_encode(['error' => 'Timestamp expired']));
}

$expected = hash_hmac('sha256', "{$timestamp}.{$body}", $secret);

if (!hash_equals($expected, $signature)) {
    http_response_code(401);
    exit(json_encode(['error' => 'Invalid signature']));
}

$event = json_decode($body, true);
error_log("Event: " . $event['event']);

http_response_code(200);
echo json_encode(['received' => true]);
`;

let t: TestApp;
let dir: string;
const children: ChildProcess[] = [];
beforeAll(async () => {
  t = await makeApp({ webhookAllowPrivate: true });
  dir = mkdtempSync(join(tmpdir(), 'to-webhook-snippets-'));
});
afterAll(async () => {
  for (const c of children) if (c.exitCode === null) c.kill('SIGTERM');
  await t.close();
  rmSync(dir, { recursive: true, force: true });
});

function waitForPort(port: number, ms = 10_000): Promise<void> {
  const deadline = Date.now() + ms;
  return new Promise((resolve, reject) => {
    const tryOnce = () => {
      const s = connect(port, '127.0.0.1');
      s.once('connect', () => (s.destroy(), resolve()));
      s.once('error', () => {
        s.destroy();
        if (Date.now() > deadline) reject(new Error(`nothing listening on ${port}`));
        else setTimeout(tryOnce, 50);
      });
    };
    tryOnce();
  });
}

/** Creates an endpoint (placeholder URL), starts the receiver with its secret, points the endpoint
 * at it, then checks a real license.activated delivery is accepted — and, after the secret is
 * rolled (the receiver keeps the old one), that the next one is refused. */
async function checkReceiver(start: (secret: string) => Promise<{ url: string; verdicts?: string[] }>) {
  const created = await t.call('POST', '/api/v1/webhooks', {
    url: 'http://127.0.0.1:9/',
    events: ['license.activated'],
  });
  const id = created.body.webhook.id as string;
  const receiver = await start(created.body.secret);
  expect((await t.call('PATCH', `/api/v1/webhooks/${id}`, { url: receiver.url })).status).toBe(200);
  const { license } = await productAndLicense(t, { max_activations: 5 });
  const activate = (m: string) =>
    t.call('POST', '/api/v1/activate', { license_key: license.key, machine_id: m, label: 'Büro-PC ☕' });
  expect((await activate('snippet-1')).status).toBe(201);
  expect(await t.app.webhooks.dispatchOnce()).toBe(1);
  let log = (await t.call('GET', `/api/v1/webhooks/${id}/deliveries`)).body.data;
  expect(log[0]).toMatchObject({ status: 'delivered', attempts: 1, lastStatusCode: 200 });

  await t.call('POST', `/api/v1/webhooks/${id}/roll-secret`);
  expect((await activate('snippet-2')).status).toBe(201);
  expect(await t.app.webhooks.dispatchOnce()).toBe(1);
  log = (await t.call('GET', `/api/v1/webhooks/${id}/deliveries`)).body.data;
  expect(log[0]).toMatchObject({ status: 'pending', attempts: 1, lastStatusCode: 401 });
  if (receiver.verdicts) expect(receiver.verdicts).toEqual(['ok', 'fail']);
  await t.call('DELETE', `/api/v1/webhooks/${id}`);
}

describe('the seed verification snippets accept a real delivery', () => {
  it.skipIf(!hasPython)('Python / Flask (hmac.new … hexdigest, compare_digest)', async () => {
    const script = join(dir, 'receiver.py');
    writeFileSync(script, PYTHON_SERVER);
    await checkReceiver(async (secret) => {
      const child = spawn(PYTHON, [script], {
        env: { PATH: process.env.PATH ?? '', WEBHOOK_SECRET: secret },
        stdio: ['ignore', 'pipe', 'inherit'],
      });
      children.push(child);
      const lines = createInterface({ input: child.stdout! });
      const verdicts: string[] = [];
      const port = await new Promise<number>((resolve, reject) => {
        child.once('exit', (code) => reject(new Error(`python exited with ${code}`)));
        lines.once('line', (l) => resolve(Number(l)));
      });
      lines.on('line', (l) => verdicts.push(l));
      return { url: `http://127.0.0.1:${port}/webhooks/to`, verdicts };
    });
  });

  it.skipIf(!hasPhp)('PHP (hash_hmac, hash_equals) under php -S', async () => {
    const router = join(dir, 'router.php');
    writeFileSync(router, PHP_ROUTER);
    await checkReceiver(async (secret) => {
      const port = await freePort();
      const child = spawn('php', ['-S', `127.0.0.1:${port}`, router], {
        env: { PATH: process.env.PATH ?? '', WEBHOOK_SECRET: secret },
        stdio: ['ignore', 'ignore', 'ignore'],
      });
      children.push(child);
      await waitForPort(port);
      return { url: `http://127.0.0.1:${port}/webhooks/to` };
    });
  });
});
