// `npm run schema:print`: writes the SDL to schema/schema.graphql (committed; test/schema-drift.test.ts
// fails when it is stale).
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { lexicographicSortSchema, printSchema } from '../../graphql/graphql-js';
import { schema } from './schema';

export const SCHEMA_PATH = resolve(dirname(fileURLToPath(import.meta.url)), '../../../schema/schema.graphql');

export function printSdl(): string {
  return `${printSchema(lexicographicSortSchema(schema))}\n`;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  mkdirSync(dirname(SCHEMA_PATH), { recursive: true });
  writeFileSync(SCHEMA_PATH, printSdl());
  process.stdout.write(`wrote ${SCHEMA_PATH}\n`);
}
