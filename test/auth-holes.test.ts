// The authentication holes that outside probing found (issue 10): each test replays the attack.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeApp, type TestApp } from './helpers/app';
import { dataOf, errorCode, gqlClient, type Gql } from './helpers/graphql';

let t: TestApp;
let gql: Gql;
const OWNER = { email: 'owner@holes.test', password: 'owner-password-1' };
beforeAll(async () => {
  t = await makeApp({ ownerEmail: OWNER.email, ownerPassword: OWNER.password });
  gql = gqlClient(t);
});
afterAll(() => t.close());

describe('API keys stay in their environment (hole 3)', () => {
  it('a to_test_ key cannot mint a to_live_ key over REST or GraphQL (403 FORBIDDEN)', async () => {
    const rest = await t.call('POST', '/api/v1/api-keys', { environment: 'live' }, t.testKey);
    expect(rest.status).toBe(403);
    expect(rest.body.code).toBe('FORBIDDEN');
    expect(JSON.stringify(rest.body)).not.toContain('to_live_');
    const g = await gql(
      `mutation($input: CreateApiKeyInput) { createApiKey(input: $input) { __typename ... on CreateApiKeySuccess { secret } } }`,
      { input: { environment: 'live' } },
      t.testKey,
    );
    expect(errorCode(g), g.trace).toBe('FORBIDDEN');
    expect(JSON.stringify(g.body)).not.toContain('to_live_');
    // Nothing was written: the account still has its two bootstrap keys.
    expect(await t.app.deps.prisma.apiKey.count({ where: { accountId: t.accountId } })).toBe(2);
    // Its own environment, named or not, still works.
    const own = await t.call('POST', '/api/v1/api-keys', { environment: 'test', name: 'ci' }, t.testKey);
    expect(own.status).toBe(201);
    expect(own.body.secret).toMatch(/^to_test_/);
  });

  it('a test key can neither see nor revoke live keys (REST and GraphQL); 404 as for an unknown id', async () => {
    const live = await t.call('POST', '/api/v1/api-keys', { name: 'live victim' });
    expect(live.status).toBe(201);
    const id = live.body.apiKey.id;

    const list = await t.call('GET', '/api/v1/api-keys?limit=100', undefined, t.testKey);
    expect(list.status).toBe(200);
    expect(list.body.data.map((k: { environment: string }) => k.environment)).not.toContain('live');
    const glist = dataOf(await gql(`{ apiKeys(first: 100) { nodes { id environment } } }`, {}, t.testKey));
    expect(glist.apiKeys.nodes.map((k: { environment: string }) => k.environment)).not.toContain('live');

    const rest = await t.call('DELETE', `/api/v1/api-keys/${id}`, undefined, t.testKey);
    expect(rest.status).toBe(404);
    expect(rest.body.code).toBe('NOT_FOUND');
    const g = await gql(
      `mutation($id: ID!) { revokeApiKey(id: $id) { __typename ... on NotFoundError { code } } }`,
      { id },
      t.testKey,
    );
    expect(dataOf(g).revokeApiKey, g.trace).toEqual({ __typename: 'NotFoundError', code: 'NOT_FOUND' });
    const row = await t.app.deps.prisma.apiKey.findUniqueOrThrow({ where: { id } });
    expect(row.revokedAt).toBeNull();
    // The live key still works.
    expect((await t.call('GET', '/api/v1/licenses', undefined, live.body.secret)).status).toBe(200);
  });
});
