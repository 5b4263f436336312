// GraphQL's half of the input guard (src/lib/input-guard.ts): before a document executes, its
// variables and its string literals may hold no NUL, no lone surrogate, and no nesting past 32
// levels (a JSON metadata variable can be as deep as a client likes). One check here covers every
// argument of every field, including the anonymous validateLicense, whether or not its resolver
// parses with a zod shape. graphql-js already refuses a lone surrogate escape in a literal.
import type { Plugin } from 'graphql-yoga';
import { type DocumentNode, Kind, visit } from '../../graphql/graphql-js';
import { inputError } from '../../graphql/errors';
import { type InputProblem, inputProblem } from '../../lib/input-guard';

// Parsed documents are cached by yoga, so each is walked once, not on every execution.
const literals = new WeakMap<DocumentNode, InputProblem | null>();

function literalProblem(document: DocumentNode): InputProblem | null {
  const seen = literals.get(document);
  if (seen !== undefined) return seen;
  let found: InputProblem | null = null;
  visit(document, {
    [Kind.STRING]: (node) => {
      found ??= inputProblem(node.value);
    },
  });
  literals.set(document, found);
  return found;
}

function problemIn(document: DocumentNode, variables: unknown): string | null {
  const v = inputProblem(variables ?? {});
  if (v) return `Invalid variable ${v.path ? `$${v.path}` : ''}: ${v.why}`;
  const l = literalProblem(document);
  return l ? `Invalid string literal: ${l.why}` : null;
}

export const useCleanInput: Plugin = {
  onExecute({ args, setResultAndStopExecution }) {
    const problem = problemIn(args.document as DocumentNode, args.variableValues);
    if (problem) setResultAndStopExecution({ errors: [inputError(problem)] });
  },
  onSubscribe({ args, setResultAndStopExecution }) {
    const problem = problemIn(args.document as DocumentNode, args.variableValues);
    if (problem) setResultAndStopExecution({ errors: [inputError(problem)] });
  },
};
