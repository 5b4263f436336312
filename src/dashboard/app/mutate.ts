// Runs a mutation and reads its outcome the way every form shows it: success, or the errors placed
// next to what caused them (input errors on their field, domain errors on the form).
import type { AnyVariables, Client, TypedDocumentNode } from '@urql/core';

export interface Failure {
  /** Shown at the top of the form (or beside the button that was pressed). */
  form?: string;
  /** Input field → message. */
  fields: Record<string, string>;
}

export type Outcome<T> = { ok: true; data: T } | { ok: false; failure: Failure };

/** Names a field from a domain error's message, when it speaks of one (`expires_at`, `key`, …). */
function fieldOf(message: string, known: string[]): string | undefined {
  const lower = message.toLowerCase();
  return known.find((f) => {
    const snake = f.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
    return lower.includes(snake) || lower.includes(f.toLowerCase());
  });
}

/**
 * `field` is the mutation's field in the result (`createLicense`); `known` the input fields the form
 * shows, so that an error about one of them is put beside it.
 */
export async function mutate<R extends object, V extends AnyVariables>(
  client: Client,
  doc: TypedDocumentNode<R, V>,
  variables: V,
  field: keyof R & string,
  known: string[] = [],
): Promise<Outcome<R[typeof field]>> {
  const r = await client.mutation(doc, variables).toPromise();
  if (r.error) {
    if (r.error.networkError && !r.error.graphQLErrors.length) {
      return { ok: false, failure: { form: 'The server cannot be reached. Try again.', fields: {} } };
    }
    const fields: Record<string, string> = {};
    let form: string | undefined;
    for (const e of r.error.graphQLErrors) {
      const issues = (e.extensions?.issues as { path: string; message: string }[] | undefined) ?? [];
      for (const i of issues) {
        const name = known.find((k) => i.path === k || i.path.endsWith(`.${k}`));
        if (name) fields[name] ??= i.message;
        else form ??= `${i.path}: ${i.message}`;
      }
      if (!issues.length) form ??= e.message;
    }
    return { ok: false, failure: { form, fields } };
  }
  const result = r.data?.[field] as { __typename?: string; code?: string; message?: string } | undefined;
  if (
    result &&
    typeof result.__typename === 'string' &&
    !result.__typename.endsWith('Success') &&
    result.code
  ) {
    const message = result.message ?? result.code;
    const name = fieldOf(message, known);
    return { ok: false, failure: name ? { fields: { [name]: message } } : { form: message, fields: {} } };
  }
  return { ok: true, data: r.data![field] };
}
