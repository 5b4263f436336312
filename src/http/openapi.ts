// OpenAPI 3.1 document printed from the REST route table and the same zod shapes that validate
// requests (zod 4 emits JSON Schema 2020-12, which is OpenAPI 3.1's dialect).
import { SAMPLE_LICENSE } from '../licensing/license-keys.rest';
import { VALIDATION_CODES } from '../licensing/validation';
import type { RouteDef } from '../rest/route';
import { SUPPORTED_API_VERSIONS } from './edge';
import { EXAMPLE_CODE, exampleOf, exampleParam } from './examples';
import { jsonSchema } from './openapi-json-schema';
import { TAG_DESCRIPTIONS, TAG_ORDER } from './openapi-tags';

export { TAG_ORDER };

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
  required: ['error', 'code', 'help', 'retryAfter'],
  properties: {
    error: { type: 'string', const: 'Rate limit exceeded' },
    code: { type: 'string', const: 'RATE_LIMITED' },
    help: { type: 'string', examples: ['/docs#errors'] },
    retryAfter: { type: 'integer', description: 'Seconds to wait' },
  },
  examples: [{ error: 'Rate limit exceeded', code: 'RATE_LIMITED', help: '/docs#errors', retryAfter: 23 }],
};

/** Validate's 404 (unknown key) and 403 (domain mismatch): a completed validation that is also an
 * error, so it carries the validation's fields and the error body's. */
const ValidationFailureSchema = {
  allOf: [
    { $ref: '#/components/schemas/Validation' },
    {
      type: 'object',
      required: ['error', 'code', 'help'],
      properties: {
        valid: { const: false },
        error: { type: 'string', description: 'Human-readable message; may change' },
        code: { type: 'string', enum: ['NOT_FOUND', 'DOMAIN_MISMATCH'] },
        help: { type: 'string', examples: ['/docs#errors'] },
      },
    },
  ],
};

/** An error status of POST /validate: the validation failure, or an ordinary error (a bad bearer). */
const validationFailure = (description: string, example: object) => ({
  description,
  headers: rateHeaders,
  content: {
    'application/json': {
      schema: {
        anyOf: [{ $ref: '#/components/schemas/ValidationFailure' }, { $ref: '#/components/schemas/Error' }],
      },
      example,
    },
  },
});

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
  const example = exampleOf(r);
  const id = exampleParam(r.path);
  const params: object[] = [...r.path.matchAll(/:([A-Za-z_]+)/g)].map((m) => {
    const example = m[1] === 'code' ? EXAMPLE_CODE : id;
    return {
      name: m[1],
      in: 'path',
      required: true,
      schema: { type: 'string' },
      ...(example ? { example } : {}),
    };
  });
  if (r.query) {
    const q = jsonSchema(r.query, 'query') as { properties?: Record<string, object>; required?: string[] };
    for (const [name, schema] of Object.entries(q.properties ?? {})) {
      const value = example?.query?.[name];
      params.push({
        name,
        in: 'query',
        required: q.required?.includes(name) ?? false,
        schema,
        ...(value !== undefined ? { example: value } : {}),
      });
    }
  }
  params.push({ $ref: '#/components/parameters/ApiVersion' });
  const honoursIdempotency = r.method !== 'get' && r.idempotency !== false;
  if (honoursIdempotency) params.push({ $ref: '#/components/parameters/IdempotencyKey' });
  const okStatus = String(example?.status ?? 200);
  const isLicenseKeyRoute = r.tag === 'License keys';
  const responses: Record<string, object> = {
    [okStatus]: {
      description: 'Success',
      headers: rateHeaders,
      content: {
        'application/json': {
          schema:
            r.path === '/api/v1/validate' ? { $ref: '#/components/schemas/Validation' } : { type: 'object' },
          ...(example?.response ? { example: example.response } : {}),
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
  if (r.path === '/api/v1/validate') {
    const failed = { license: null, validatedAt: '2024-01-15T12:00:00Z' };
    responses['404'] = validationFailure('Unknown license key: a completed validation with `valid: false`', {
      valid: false,
      error: 'License not found',
      code: 'NOT_FOUND',
      help: '/docs#errors',
      ...failed,
    });
    responses['403'] = validationFailure(
      "The domain is outside the license's allowed domains (`valid: false`, DOMAIN_MISMATCH), or a bad JWT",
      {
        valid: false,
        error: "Domain is not allowed by the license's allowed_domains",
        code: 'DOMAIN_MISMATCH',
        help: '/docs#errors',
        ...failed,
        license: SAMPLE_LICENSE,
      },
    );
  }
  if (r.path === '/api/v1/activate') {
    responses['409'] = errorResponse('No seat left', {
      code: 'ACTIVATION_LIMIT_REACHED',
      error: 'Activation limit of 5 reached',
    });
  }
  if (honoursIdempotency) {
    responses['409'] ??= errorResponse('A request with the same Idempotency-Key is still running', {
      code: 'IDEMPOTENCY_IN_PROGRESS',
      error: 'A request with this Idempotency-Key is still running; retry once it has finished',
    });
    responses['422'] = errorResponse('The Idempotency-Key was used with a different request', {
      code: 'IDEMPOTENCY_KEY_REUSED',
      error: 'This Idempotency-Key was used with a different request (method, path or body)',
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
            content: {
              'application/json': {
                schema: { type: 'object' },
                ...(example?.request ? { example: example.request } : {}),
              },
            },
          },
        }
      : r.body
        ? {
            requestBody: {
              required: true,
              content: {
                'application/json': {
                  schema: jsonSchema(r.body, 'body', r.aliases),
                  ...(example?.request ? { example: example.request } : {}),
                },
              },
            },
          }
        : {}),
    responses,
    ...(r.access === 'admin' ? { 'x-scope': 'admin' } : r.access === 'portal' ? { 'x-scope': 'portal' } : {}),
  };
}

/** The groups of /docs, in the order of the product document: what an app calls first, then what a
 * vendor manages, then the rest. A tag missing here sorts last. */
export function buildOpenApi(all: RouteDef[]) {
  const routes = all.filter((r) => !r.internal);
  const rank = (tag: string) => (TAG_ORDER.includes(tag) ? TAG_ORDER.indexOf(tag) : TAG_ORDER.length);
  // Grouped by tag in that order; within a group, in the order of the route table (validate first).
  const ordered = routes
    .map((r, i) => ({ r, i }))
    .sort((a, b) => rank(a.r.tag) - rank(b.r.tag) || a.i - b.i)
    .map(({ r }) => r);
  const sorted: Record<string, Record<string, object>> = {};
  for (const r of ordered) {
    const p = toOpenApiPath(r.path);
    sorted[p] ??= {};
    sorted[p][r.method] = operation(r);
  }
  const tags = [...new Set(ordered.map((r) => r.tag))];
  return {
    openapi: '3.1.0',
    info: {
      title: 'Traffic Orchestrator API',
      version: '1.0.0',
      description:
        'Validate licenses, manage activations and offline tokens. Every error response is ' +
        '`{error, code, help}` (plus fields of its own, such as `retryAfter` on a 429); codes are stable ' +
        "across versions. Validate's 404 (unknown key) and 403 (domain mismatch) are completed validations: " +
        'they carry `valid: false`, `license` and `validatedAt` beside `error`, `code` and `help`. Every ' +
        'response carries X-RateLimit-* and X-Request-Id headers.',
      license: { name: 'MIT', identifier: 'MIT' },
    },
    servers: [{ url: '/' }],
    tags: tags.map((name) => ({
      name,
      ...(TAG_DESCRIPTIONS[name] ? { description: TAG_DESCRIPTIONS[name] } : {}),
    })),
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
        ValidationFailure: ValidationFailureSchema,
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
            error: {
              type: 'string',
              description: 'Only on the 404 (NOT_FOUND) and the 403 (DOMAIN_MISMATCH)',
            },
            help: { type: 'string', description: 'Only on the 404 and the 403', examples: ['/docs#errors'] },
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
        IdempotencyKey: {
          name: 'Idempotency-Key',
          in: 'header',
          required: false,
          schema: { type: 'string', minLength: 1, maxLength: 255 },
          example: 'order-4711-create-license',
          description:
            'Makes a retry safe for 24 hours: a repeat of the same method, path and body (per API key ' +
            'or user; per license key on the public key routes) answers the first response again with ' +
            '`Idempotent-Replayed: true`. Another request under the key is 422 IDEMPOTENCY_KEY_REUSED; ' +
            'a repeat while the first runs is 409 IDEMPOTENCY_IN_PROGRESS. Refusals before the handler ' +
            '(401, 403, 429, bad input) and 5xx are not kept.',
        },
      },
    },
  };
}
