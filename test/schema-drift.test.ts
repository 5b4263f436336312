// The committed SDL (schema/schema.graphql) must match the schema the code builds.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { printSdl, SCHEMA_PATH } from '../src/http/graphql/print-schema';

describe('schema/schema.graphql', () => {
  it('is up to date with the Pothos schema', () => {
    const committed = readFileSync(SCHEMA_PATH, 'utf8');
    expect(
      committed === printSdl(),
      'schema/schema.graphql is stale: run `npm run generate` and commit the result',
    ).toBe(true);
  });
});
