// Limits on GraphQL documents (graphql-armor) and introspection, as yoga plugins. An abusive document
// is refused before anything runs, with a clear message and a stable `extensions.code`:
//   TOO_MANY_TOKENS (while parsing), TOO_MANY_DIRECTIVES, TOO_MANY_ALIASES, QUERY_TOO_COMPLEX, QUERY_TOO_DEEP.
// graphql-armor's own errors read "Syntax Error: …" and carry no code; each protection here reports
// its own GraphQLError instead (propagateOnRejection off), so yoga answers like any validation error,
// and a document over several limits gets one error for each.
// The cost is armor's static estimate: objects 2, scalars 1, ×1.5 per level, × a *literal* `first`
// or `last` (a variable is not known at validation); Pothos caps every page at 100 either way.
import { EnvelopArmorPlugin } from '@escape.tech/graphql-armor';
import type { ValidationContext } from 'graphql';
import type { Plugin, YogaInitialContext } from 'graphql-yoga';
import type { Config } from '../../config';
import { GraphQLError, NoSchemaIntrospectionCustomRule } from '../../graphql/graphql-js';

type Limits = Config['graphql'];

/** Rejection → a coded GraphQLError with armor's message ("Query depth limit of 12 exceeded, found
 * 20.") minus its misleading "Syntax Error:" prefix. Validation rules report it into the context (the
 * document is invalid, nothing executes); the token limit runs inside the parser, so it throws. */
function reject(code: string) {
  return (ctx: ValidationContext | null, err: GraphQLError) => {
    const message = err.message.replace(/^Syntax Error:\s*/, '').replace(/(found \d+)\.\d+/, '$1');
    const error = new GraphQLError(message, { extensions: { code } });
    if (!ctx) throw error;
    ctx.reportError(error);
  };
}

const options = (code: string) => ({
  exposeLimits: true,
  propagateOnRejection: false,
  onReject: [reject(code)],
});

/** Refuses `__schema` / `__type` at validation. An envelop-level hook (yoga's own plugin hangs off
 * its HTTP request parsing, which JSON POSTs skip: see ./http.ts), so every door applies it. */
const noIntrospection: Plugin = {
  onValidate: ({ addValidationRule }) => addValidationRule(NoSchemaIntrospectionCustomRule),
};

export function armorPlugins(limits: Limits): Plugin[] {
  const armor = EnvelopArmorPlugin<YogaInitialContext>({
    maxTokens: { n: limits.maxTokens, ...options('TOO_MANY_TOKENS') },
    maxDirectives: { n: limits.maxDirectives, ...options('TOO_MANY_DIRECTIVES') },
    maxAliases: { n: limits.maxAliases, ...options('TOO_MANY_ALIASES') },
    // Inline fragments on union members (`... on CreateLicenseSuccess`) are not a level of nesting.
    costLimit: {
      maxCost: limits.maxCost,
      flattenFragments: true,
      ...options('QUERY_TOO_COMPLEX'),
    },
    maxDepth: { n: limits.maxDepth, flattenFragments: true, ...options('QUERY_TOO_DEEP') },
    // Field suggestions ("Did you mean …?") give away the schema that disabled introspection hides.
    blockFieldSuggestion: { enabled: !limits.introspection },
  });
  return limits.introspection ? [armor] : [armor, noIntrospection];
}
