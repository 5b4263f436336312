// The JSON Schema of a route's camelCase input shape, as a REST client sees it (snake_case names,
// the route's aliases, dates as strings), for the OpenAPI document (./openapi.ts).
import { z } from 'zod';
import { restName } from '../rest/input';

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
export function jsonSchema(
  schema: z.ZodType,
  where: 'body' | 'query',
  aliases: Record<string, string> = {},
): Json {
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
