// The GraphQL cost that counts: how many objects an operation can return, computed at execution
// time from the document *and its variables*. graphql-armor's cost limit (./armor.ts) runs at
// validation, where `first: $n` is unknown, so it multiplies only literal page sizes: four nested
// `licenses → product → licenses` levels with `first: $n` passed it and returned 160,000 objects.
//
// The count: every object-typed field yields one object per parent object; a connection's `nodes`
// and `edges` yield `first`/`last` of them (a literal or a variable; absent: the page default 20;
// never more than the page cap 100); any other list field (a license's activations, analytics
// buckets) counts as a full page, and `nodes(ids:)` as its ids. Scalars are free. Over the limit
// (TO_GRAPHQL_MAX_NODES) the operation is refused before any resolver runs: QUERY_TOO_COMPLEX,
// HTTP 400 on the HTTP doors, an error for that operation only on graphql-ws.
import type { Plugin } from 'graphql-yoga';
import {
  type DocumentNode,
  type FragmentDefinitionNode,
  getNamedType,
  getNullableType,
  getOperationAST,
  getVariableValues,
  GraphQLError,
  type GraphQLNamedType,
  type GraphQLSchema,
  isInterfaceType,
  isListType,
  isObjectType,
  Kind,
  type SelectionSetNode,
  type ValueNode,
} from '../../graphql/graphql-js';

/** Pothos's relay options (src/graphql/builder.ts): the page when none is asked for, and the cap. */
export const PAGE_DEFAULT = 20;
export const PAGE_CAP = 100;

function intArg(node: ValueNode | undefined, vars: (name: string) => unknown): number | undefined {
  if (!node) return undefined;
  if (node.kind === Kind.INT) return Number(node.value);
  if (node.kind === Kind.VARIABLE) {
    const v = vars(node.name.value);
    return typeof v === 'number' ? v : undefined;
  }
  return undefined;
}

const clampPage = (n: number | undefined) => Math.max(0, Math.min(PAGE_CAP, n ?? PAGE_DEFAULT));

/** Objects `operationName` of `document` can return with `variables`; stops counting past `stopAt`.
 * Variables that do not coerce are left to execution, which refuses them (0 here). */
export function operationNodes(
  schema: GraphQLSchema,
  document: DocumentNode,
  operationName: string | null | undefined,
  rawVariables: Record<string, unknown> | null | undefined,
  stopAt = Number.MAX_SAFE_INTEGER,
): number {
  usedVariables = false;
  const op = getOperationAST(document, operationName ?? undefined);
  if (!op) return 0;
  const root = schema.getRootType(op.operation);
  if (!root) return 0;
  // Variables are coerced only when a counted argument names one; a document whose count needs
  // none (validateLicense, most queries) is counted once and remembered (countOf).
  let coerced: Record<string, unknown> | null = null;
  let badVariables = false;
  const vars = (name: string): unknown => {
    if (!coerced) {
      const c = getVariableValues(schema, op.variableDefinitions ?? [], rawVariables ?? {});
      badVariables = !!c.errors;
      coerced = c.coerced ?? {};
    }
    return coerced[name];
  };
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const d of document.definitions)
    if (d.kind === Kind.FRAGMENT_DEFINITION) fragments.set(d.name.value, d);

  let total = 0;
  // `page`: the page size of the connection whose fields these are (for its `nodes` and `edges`).
  const walk = (set: SelectionSetNode, type: GraphQLNamedType, parents: number, page?: number, seen = 0) => {
    if (seen > 64) return; // fragment cycles are refused by validation; this is only a backstop
    for (const sel of set.selections) {
      if (total > stopAt) return;
      if (sel.kind === Kind.INLINE_FRAGMENT) {
        const on = sel.typeCondition ? schema.getType(sel.typeCondition.name.value) : type;
        if (on) walk(sel.selectionSet, on, parents, page, seen + 1);
        continue;
      }
      if (sel.kind === Kind.FRAGMENT_SPREAD) {
        const f = fragments.get(sel.name.value);
        const on = f && schema.getType(f.typeCondition.name.value);
        if (f && on) walk(f.selectionSet, on, parents, page, seen + 1);
        continue;
      }
      if (!sel.selectionSet || !(isObjectType(type) || isInterfaceType(type))) continue;
      const field = type.getFields()[sel.name.value];
      if (!field) continue;
      const arg = (name: string) => sel.arguments?.find((a) => a.name.value === name)?.value;
      const isConnection = field.args.some((a) => a.name === 'first');
      let each = 1;
      if (isListType(getNullableType(field.type))) {
        const ids = arg('ids');
        if (ids?.kind === Kind.LIST) each = ids.values.length;
        else if (ids?.kind === Kind.VARIABLE && Array.isArray(vars(ids.name.value)))
          each = (vars(ids.name.value) as unknown[]).length;
        else each = page ?? PAGE_CAP;
      }
      const count = parents * each;
      total += count;
      const childPage = isConnection
        ? clampPage(intArg(arg('first'), vars) ?? intArg(arg('last'), vars))
        : undefined;
      walk(sel.selectionSet, getNamedType(field.type), count, childPage, seen);
    }
  };
  walk(op.selectionSet, root, 1);
  // Over the limit: variables that do not coerce still leave it to execution to refuse them.
  if (total > stopAt) vars('');
  usedVariables = coerced !== null;
  return badVariables ? 0 : total;
}

/** Whether the last operationNodes call read a variable (its count then holds for those values only). */
let usedVariables = false;

/** Counts that read no variable, per document and operation name: the same for every request. */
const constantCounts = new WeakMap<DocumentNode, Map<string, number>>();

/** operationNodes, remembered per (document, operation) when the count reads no variable. Parsed
 * documents are cached by yoga's parser, so the same object comes back for the same query text. */
export function countOf(
  schema: GraphQLSchema,
  document: DocumentNode,
  operationName: string | null | undefined,
  rawVariables: Record<string, unknown> | null | undefined,
  stopAt?: number,
): number {
  const name = operationName ?? '';
  const known = constantCounts.get(document)?.get(name);
  if (known !== undefined) return known;
  const n = operationNodes(schema, document, operationName, rawVariables, stopAt);
  if (!usedVariables) {
    let byName = constantCounts.get(document);
    if (!byName) constantCounts.set(document, (byName = new Map<string, number>()));
    byName.set(name, n);
  }
  return n;
}

export const QUERY_TOO_COMPLEX = 'QUERY_TOO_COMPLEX';

export function costPlugin(maxNodes: number): Plugin {
  const check = (args: {
    schema: GraphQLSchema;
    document: DocumentNode;
    operationName?: string | null;
    variableValues?: Record<string, unknown> | null;
  }) => {
    const n = countOf(args.schema, args.document, args.operationName, args.variableValues, maxNodes);
    if (n <= maxNodes) return null;
    return {
      errors: [
        new GraphQLError(
          `Query would return more than ${maxNodes} objects with these variables; ask for smaller pages or nest fewer lists`,
          { extensions: { code: QUERY_TOO_COMPLEX, maxNodes, http: { status: 400 } } },
        ),
      ],
    };
  };
  return {
    onExecute({ args, setResultAndStopExecution }) {
      const refused = check(args);
      if (refused) setResultAndStopExecution(refused);
    },
    onSubscribe({ args, setResultAndStopExecution }) {
      const refused = check(args);
      if (refused) setResultAndStopExecution(refused);
    },
  };
}
