// `npm run openapi:print`: writes schema/openapi.json from the route table.
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Deps } from '../deps';
import { buildOpenApi } from './openapi';
import { allRoutes } from './routes';

export const OPENAPI_FILE = path.resolve(import.meta.dirname, '../../schema/openapi.json');

/** The document as printed to schema/openapi.json. Route factories don't touch deps at definition. */
export function printOpenApi(): string {
  return JSON.stringify(buildOpenApi(allRoutes({} as Deps)), null, 2) + '\n';
}

if (import.meta.url === `file://${process.argv[1]}`) {
  writeFileSync(OPENAPI_FILE, printOpenApi());
  console.log(`wrote ${path.relative(process.cwd(), OPENAPI_FILE)}`);
}
