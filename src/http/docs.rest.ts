// The OpenAPI document and the interactive reference (Scalar), served from local assets only.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { buildOpenApi } from './openapi';
import { defineRoutes, route, type RouteDef } from '../rest/route';

const require = createRequire(import.meta.url);
let scalarJs: string | null = null;
function scalarBundle(): string {
  scalarJs ??= readFileSync(require.resolve('@scalar/api-reference/browser/standalone.js'), 'utf8');
  return scalarJs;
}

const DOCS_HTML = `<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8" />
  <meta name="viewport" content="width=device-width, initial-scale=1" />
  <title>Traffic Orchestrator API reference</title>
</head>
<body>
  <script id="api-reference" data-url="/api/v1/openapi.json"
    data-configuration='{"withDefaultFonts":false,"hideClientButton":true,"telemetry":false,"agent":{"disabled":true},"showDeveloperTools":"never","mcp":{"disabled":true}}'></script>
  <script src="/docs/scalar.js"></script>
</body>
</html>`;

export function docsRoutes(routes: () => RouteDef[]) {
  let doc: object | null = null;
  return defineRoutes([
    route({
      method: 'get',
      path: '/api/v1/openapi.json',
      access: 'public',
      tag: 'Operations',
      summary: 'This OpenAPI 3.1 document',
      handler(c) {
        doc ??= buildOpenApi(routes());
        return c.json(doc);
      },
    }),
    route({
      method: 'get',
      path: '/docs',
      access: 'public',
      tag: 'Operations',
      summary: 'Interactive API reference (Scalar), no external requests',
      internal: true,
      handler: (c) => c.html(DOCS_HTML),
    }),
    route({
      method: 'get',
      path: '/docs/scalar.js',
      access: 'public',
      tag: 'Operations',
      summary: 'The Scalar bundle behind /docs, from node_modules',
      internal: true,
      handler(c) {
        c.header('Cache-Control', 'public, max-age=86400');
        return c.body(scalarBundle(), 200, { 'Content-Type': 'text/javascript; charset=utf-8' });
      },
    }),
  ]);
}
