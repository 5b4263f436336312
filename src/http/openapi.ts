// OpenAPI 3.1 document printed from the REST route table and the same zod shapes that validate
// requests (zod 4 emits JSON Schema 2020-12, which is OpenAPI 3.1's dialect).
import { z } from 'zod';
import { VALIDATION_CODES } from '../licensing/validation';
import { restName } from '../rest/input';
import type { RouteDef } from '../rest/route';
import { SUPPORTED_API_VERSIONS } from './edge';

const ErrorSchema = {
  type: 'object',
  required: ['error', 'code', 'help'],
  properties: {
    error: { type: 'string', description: 'Human-readable message; may change' },
    code: { type: 'string', description: 'Stable machine-readable code', examples: ['VALIDATION_ERROR'] },
    help: { type: 'string', examples: ['/docs#errors'] },
  },
};

const RateLimitedSchema = {
  type: 'object',
  required: ['error', 'code', 'retryAfter'],
  properties: {
    error: { type: 'string', const: 'Rate limit exceeded' },
    code: { type: 'string', const: 'RATE_LIMITED' },
    retryAfter: { type: 'integer', description: 'Seconds to wait' },
  },
  examples: [{ error: 'Rate limit exceeded', code: 'RATE_LIMITED', retryAfter: 23 }],
};

const LicenseSchema = {
  type: 'object',
  properties: {
    id: { type: 'string', examples: ['lic_1234567890'] },
    key: { type: 'string', examples: ['XXXX-XXXX-XXXX-XXXX'] },
    productId: { type: 'string' },
    customerId: { type: ['string', 'null'] },
    email: { type: ['string', 'null'] },
    type: { type: 'string', enum: ['perpetual', 'subscription', 'trial', 'floating'] },
    status: { type: 'string', enum: ['active', 'expired', 'suspended', 'revoked'] },
    activations: { type: 'integer', description: 'Current number of activations' },
    maxActivations: { type: 'integer' },
    expiresAt: { type: ['string', 'null'], format: 'date-time' },
    createdAt: { type: 'string', format: 'date-time' },
    updatedAt: { type: 'string', format: 'date-time' },
    lastValidatedAt: { type: ['string', 'null'], format: 'date-time' },
    metadata: { type: 'object' },
  },
};

const rateHeaders = {
  'X-RateLimit-Limit': { $ref: '#/components/headers/X-RateLimit-Limit' },
  'X-RateLimit-Remaining': { $ref: '#/components/headers/X-RateLimit-Remaining' },
  'X-RateLimit-Reset': { $ref: '#/components/headers/X-RateLimit-Reset' },
  'X-Request-Id': { $ref: '#/components/headers/X-Request-Id' },
};

const errorResponse = (description: string, example: { code: string; error: string }) => ({
  description,
  headers: rateHeaders,
  content: {
    'application/json': {
      schema: { $ref: '#/components/schemas/Error' },
      example: { ...example, help: '/docs#errors' },
    },
  },
});

type Json = Record<string, unknown>;

/** Reads zod's JSON Schema the way a REST client needs it: `X or null` as a nullable X, and a date
 * input (a Date for GraphQL, an ISO date-time or date for JSON) as the string it is on the wire. */
function simplify(s: Json): Json {
  if (!Array.isArray(s.anyOf)) return s;
  const { anyOf, ...rest } = s as Json & { anyOf: Json[] };
  let parts = anyOf
    .map(simplify)
    .flatMap((p) => (Array.isArray(p.anyOf) && Object.keys(p).length === 1 ? (p.anyOf as Json[]) : [p]));
  const nullable = parts.some((p) => p.type === 'null');
  parts = parts.filter((p) => p.type !== 'null');
  if (parts.length > 1 && parts.every((p) => p.type === 'string' && /^date/.test(String(p.format)))) {
    parts = [{ type: 'string', format: 'date-time', description: 'ISO 8601 date-time, or a date' }];
  }
  if (parts.length === 1) {
    const p = parts[0]!;
    return { ...p, ...rest, ...(nullable && typeof p.type === 'string' ? { type: [p.type, 'null'] } : {}) };
  }
  return { ...rest, anyOf: nullable ? [...parts, { type: 'null' }] : parts };
}

/** The JSON Schema of a camelCase input shape as REST sees it: top-level fields under their REST
 * names (snake_case, see src/rest/input.ts), plus the seed's aliases. */
function jsonSchema(schema: z.ZodType, where: 'body' | 'query', aliases: Record<string, string> = {}): Json {
  const s = z.toJSONSchema(schema, {
    io: 'input',
    unrepresentable: 'any',
    override: (ctx) => {
      if (ctx.zodSchema._zod.def.type === 'date')
        Object.assign(ctx.jsonSchema, { type: 'string', format: 'date-time' });
    },
  }) as Json;
  delete s.$schema;
  const props = s.properties as Record<string, Json> | undefined;
  if (!props) return s;
  const renamed: Record<string, Json> = {};
  for (const [field, raw] of Object.entries(props)) {
    const p = simplify(raw);
    const name = restName(field);
    // A query parameter is absent or a string; "null" only means something in a JSON body.
    if (where === 'query' && Array.isArray(p.type)) p.type = (p.type as string[]).find((t) => t !== 'null');
    renamed[name] = p;
    if (where === 'query') continue;
    for (const [alias, target] of Object.entries(aliases)) {
      if (target === field && alias !== name) renamed[alias] = { ...p, description: `Same as ${name}` };
    }
    if (name === 'license_key') renamed.key = { ...p, description: 'Same as license_key' };
  }
  return {
    ...s,
    properties: renamed,
    ...(Array.isArray(s.required) ? { required: (s.required as string[]).map(restName) } : {}),
  };
}

const toOpenApiPath = (p: string) => p.replace(/:([A-Za-z_]+)/g, '{$1}');

function operationId(r: RouteDef): string {
  const words = r.path
    .replace('/api/v1/', '')
    .split(/[/.-]/)
    .filter(Boolean)
    .map((w) => (w.startsWith(':') ? 'by-' + w.slice(1) : w));
  return [r.method, ...words].map((w, i) => (i === 0 ? w : w[0]!.toUpperCase() + w.slice(1))).join('');
}

function operation(r: RouteDef) {
  const params: object[] = [...r.path.matchAll(/:([A-Za-z_]+)/g)].map((m) => ({
    name: m[1],
    in: 'path',
    required: true,
    schema: { type: 'string' },
  }));
  if (r.query) {
    const q = jsonSchema(r.query, 'query') as { properties?: Record<string, object>; required?: string[] };
    for (const [name, schema] of Object.entries(q.properties ?? {})) {
      params.push({ name, in: 'query', required: q.required?.includes(name) ?? false, schema });
    }
  }
  params.push({ $ref: '#/components/parameters/ApiVersion' });
  const okStatus = String(r.example?.status ?? 200);
  const isLicenseKeyRoute = r.tag === 'License keys';
  const responses: Record<string, object> = {
    [okStatus]: {
      description: 'Success',
      headers: rateHeaders,
      content: {
        'application/json': {
          schema:
            r.path === '/api/v1/validate' ? { $ref: '#/components/schemas/Validation' } : { type: 'object' },
          ...(r.example?.response ? { example: r.example.response } : {}),
        },
      },
    },
    '400': errorResponse('Malformed JSON, missing fields or invalid values', {
      code: 'MISSING_FIELDS',
      error: 'Missing required field(s): license_key',
    }),
    '429': {
      description: 'Rate limit exceeded',
      headers: {
        ...rateHeaders,
        'Retry-After': { schema: { type: 'integer' }, description: 'Seconds to wait' },
      },
      content: { 'application/json': { schema: { $ref: '#/components/schemas/RateLimited' } } },
    },
  };
  if (r.access !== 'public' || isLicenseKeyRoute) {
    responses['401'] = errorResponse('No credential, or an unknown or revoked API key', {
      code: 'INVALID_API_KEY',
      error: 'Invalid API key',
    });
    responses['403'] = errorResponse(
      'Bad or expired JWT, a credential without the scope, or a refused license',
      {
        code: 'FORBIDDEN',
        error: 'Admin scope required',
      },
    );
  }
  if (r.path.includes(':') || isLicenseKeyRoute) {
    responses['404'] = errorResponse('Not found', { code: 'NOT_FOUND', error: 'License not found' });
  }
  if (r.path === '/api/v1/activate') {
    responses['409'] = errorResponse('No seat left', {
      code: 'ACTIVATION_LIMIT_REACHED',
      error: 'Activation limit of 5 reached',
    });
  }
  return {
    operationId: operationId(r),
    summary: r.summary,
    tags: [r.tag],
    security:
      r.access === 'public' ? [{}, { apiKey: [] }] : [{ apiKey: [] }, { session: [] }, { sessionCookie: [] }],
    parameters: params,
    ...(r.rawBody
      ? {
          requestBody: {
            required: true,
            description: 'Read as raw bytes: the signature is checked over them before they are parsed.',
            content: { 'application/json': { schema: { type: 'object' } } },
          },
        }
      : r.body
        ? {
            requestBody: {
              required: true,
              content: {
                'application/json': {
                  schema: jsonSchema(r.body, 'body', r.aliases),
                  ...(r.example?.request ? { example: r.example.request } : {}),
                },
              },
            },
          }
        : {}),
    responses,
    ...(r.access === 'admin' ? { 'x-scope': 'admin' } : r.access === 'portal' ? { 'x-scope': 'portal' } : {}),
  };
}

export function buildOpenApi(routes: RouteDef[]) {
  const paths: Record<string, Record<string, object>> = {};
  for (const r of routes) {
    const p = toOpenApiPath(r.path);
    paths[p] ??= {};
    paths[p][r.method] = operation(r);
  }
  const sorted = Object.fromEntries(Object.entries(paths).sort(([a], [b]) => a.localeCompare(b)));
  return {
    openapi: '3.1.0',
    info: {
      title: 'Traffic Orchestrator API',
      version: '1.0.0',
      description:
        'Validate licenses, manage activations and offline tokens. Errors are `{error, code, help}`; ' +
        'codes are stable across versions. Every response carries X-RateLimit-* and X-Request-Id headers.',
      license: { name: 'MIT', identifier: 'MIT' },
    },
    servers: [{ url: '/' }],
    tags: [...new Set(routes.map((r) => r.tag))].map((name) => ({ name })),
    paths: sorted,
    components: {
      securitySchemes: {
        apiKey: {
          type: 'http',
          scheme: 'bearer',
          description: 'API key: `to_live_…` (live data) or `to_test_…` (test data)',
        },
        session: {
          type: 'http',
          scheme: 'bearer',
          bearerFormat: 'JWT',
          description: 'User session from /auth/login',
        },
        sessionCookie: { type: 'apiKey', in: 'cookie', name: 'to_session' },
      },
      schemas: {
        Error: ErrorSchema,
        RateLimited: RateLimitedSchema,
        License: LicenseSchema,
        Validation: {
          type: 'object',
          required: ['valid', 'code', 'license', 'validatedAt'],
          properties: {
            valid: { type: 'boolean' },
            code: {
              type: 'string',
              enum: [...VALIDATION_CODES],
            },
            license: { oneOf: [{ $ref: '#/components/schemas/License' }, { type: 'null' }] },
            validatedAt: { type: 'string', format: 'date-time' },
            offline: {
              type: 'object',
              properties: { token: { type: 'string' }, graceUntil: { type: 'string', format: 'date-time' } },
            },
          },
        },
      },
      headers: {
        'X-RateLimit-Limit': { schema: { type: 'integer' }, description: 'Requests allowed in the window' },
        'X-RateLimit-Remaining': { schema: { type: 'integer' }, description: 'Requests left in the window' },
        'X-RateLimit-Reset': {
          schema: { type: 'integer' },
          description: 'Unix seconds when the window resets',
        },
        'X-Request-Id': {
          schema: { type: 'string' },
          description: 'Request id (yours, passed through, or ours)',
        },
      },
      parameters: {
        ApiVersion: {
          name: 'X-API-Version',
          in: 'header',
          required: false,
          schema: { type: 'string', enum: SUPPORTED_API_VERSIONS },
          description: 'Pin the API behaviour; echoed in the response. Unknown versions get 400.',
        },
      },
    },
  };
}
