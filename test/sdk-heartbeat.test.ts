// The SDK's heartbeat loop for floating seats against a real server, and generateMachineId.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import os from 'node:os';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateMachineId, TrafficOrchestrator, TrafficOrchestratorError } from '../src/sdk/index';
import { productAndLicense, type TestApp } from './helpers/app';
import { countingTimers, repoRoot, sleep, started, until } from './helpers/sdk';

describe('SDK heartbeat loop', () => {
  let t: TestApp;
  let baseUrl: string;
  beforeAll(async () => {
    ({ t, baseUrl } = await started());
  });
  afterAll(() => t.close());

  it('renews a floating lease in the database and stop() leaves no timer behind', async () => {
    const { license } = await productAndLicense(t, {
      type: 'floating',
      max_activations: 1,
      lease_duration: 10,
    });
    const { timers, pending } = countingTimers();
    const sdk = new TrafficOrchestrator({ baseUrl, timers });
    await sdk.activate({ licenseKey: license.key, machineId: 'seat-1' });
    const leaseOf = async () =>
      (
        await t.app.deps.prisma.activation.findFirstOrThrow({ where: { licenseId: license.id } })
      ).leaseExpiresAt!.getTime();
    const first = await leaseOf();

    let beats = 0;
    const errors: unknown[] = [];
    const hb = sdk.startHeartbeat({
      licenseKey: license.key,
      machineId: 'seat-1',
      intervalMs: 150,
      onHeartbeat: () => beats++,
      onError: (e) => errors.push(e),
    });
    expect(hb.running).toBe(true);
    await until(() => beats >= 3, 10_000);
    await hb.stop();
    expect(hb.running).toBe(false);
    expect(pending.size).toBe(0);
    expect(errors).toEqual([]);
    expect(await leaseOf()).toBeGreaterThan(first);
    expect(Date.parse(hb.lastResult!.leaseExpiresAt!)).toBeGreaterThan(first);

    const after = beats;
    await sleep(500);
    expect(beats).toBe(after); // nothing fires after stop()
    expect(pending.size).toBe(0);
  });

  it('defaults to a third of the lease the server reports', async () => {
    const { license } = await productAndLicense(t, {
      type: 'floating',
      max_activations: 1,
      lease_duration: 30,
    });
    const { timers, pending, requested } = countingTimers();
    const sdk = new TrafficOrchestrator({ baseUrl, timers });
    await sdk.activate({ licenseKey: license.key, machineId: 'seat-2' });
    let beats = 0;
    const hb = sdk.startHeartbeat({
      licenseKey: license.key,
      machineId: 'seat-2',
      onHeartbeat: () => beats++,
    });
    await until(() => requested.length >= 1, 10_000);
    expect(beats).toBe(1);
    expect(requested[0]).toBe(10_000);
    await hb.stop();
    expect(pending.size).toBe(0);
  });

  it('reports LEASE_EXPIRED through onError and stops by itself', async () => {
    const { license } = await productAndLicense(t, {
      type: 'floating',
      max_activations: 1,
      lease_duration: 10,
    });
    const { timers, pending } = countingTimers();
    const sdk = new TrafficOrchestrator({ baseUrl, timers });
    await sdk.activate({ licenseKey: license.key, machineId: 'seat-3' });
    const realNow = t.app.deps.now;
    t.app.deps.now = () => new Date(Date.now() + 10_500); // lapsed, not yet reaped
    try {
      t.app.deps.licenseCache.clear();
      const errors: unknown[] = [];
      const hb = sdk.startHeartbeat({
        licenseKey: license.key,
        machineId: 'seat-3',
        intervalMs: 100,
        onError: (e) => errors.push(e),
      });
      await until(() => errors.length > 0, 10_000);
      await until(() => !hb.running, 2000);
      expect(errors[0]).toBeInstanceOf(TrafficOrchestratorError);
      expect(errors[0]).toMatchObject({ status: 409, code: 'LEASE_EXPIRED' });
      expect(pending.size).toBe(0);
      await hb.stop();
    } finally {
      t.app.deps.now = realNow;
    }
  });
});

describe('generateMachineId', () => {
  it('is 64 hex characters, stable across calls and processes, and reveals no identifier', () => {
    const a = TrafficOrchestrator.generateMachineId();
    expect(a).toMatch(/^[0-9a-f]{64}$/);
    expect(generateMachineId()).toBe(a);
    expect(a).not.toContain(os.hostname().toLowerCase());
    for (const f of ['/etc/machine-id', '/var/lib/dbus/machine-id']) {
      try {
        const raw = readFileSync(f, 'utf8').trim();
        if (raw) expect(a).not.toContain(raw.toLowerCase());
      } catch {
        // absent here
      }
    }
    // A salt namespaces the id.
    const salted = generateMachineId({ salt: 'my-app' });
    expect(salted).toMatch(/^[0-9a-f]{64}$/);
    expect(salted).not.toBe(a);
    expect(generateMachineId({ salt: 'my-app' })).toBe(salted);

    // Two more processes under plain node, through the built package (the workspace link in
    // node_modules), once as an ES module and once through require().
    const run = (how: 'import' | 'require') =>
      execFileSync(
        process.execPath,
        how === 'import'
          ? [
              '--input-type=module',
              '-e',
              "import { TrafficOrchestrator } from '@traffic-orchestrator/client'; console.log(TrafficOrchestrator.generateMachineId())",
            ]
          : [
              '-e',
              "console.log(require('@traffic-orchestrator/client').TrafficOrchestrator.generateMachineId())",
            ],
        { cwd: repoRoot, encoding: 'utf8' },
      ).trim();
    const first = run('import');
    const second = run('require');
    expect(first).toBe(a);
    expect(second).toBe(a);
  });
});
