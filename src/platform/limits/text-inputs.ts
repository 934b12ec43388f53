import { GraphQLError, Kind, visit, type DocumentNode } from 'graphql';
import { isStorableText } from '../validate.js';

function refuse(where: string): GraphQLError {
  return new GraphQLError(`${where} contains a NUL character or an unpaired surrogate, which is not text`, {
    extensions: { code: 'BAD_USER_INPUT', field: where, http: { status: 400 } },
  });
}

/**
 * Refuses any string input — variables at any depth, and literals in the document — holding a NUL
 * character or an unpaired UTF-16 surrogate. PostgreSQL cannot store either (NUL breaks its wire
 * protocol; a lone surrogate turns into U+FFFD on the way), so such a value would fail deep inside a
 * mutation or be silently changed; it is BAD_USER_INPUT naming where it is, before anything runs.
 */
export function checkTextInputs(document: DocumentNode, variables: Record<string, unknown> | null | undefined): void {
  const walk = (value: unknown, path: string): void => {
    if (typeof value === 'string') {
      if (!isStorableText(value)) throw refuse(path);
    } else if (Array.isArray(value)) {
      value.forEach((item, i) => walk(item, `${path}[${i}]`));
    } else if (value && typeof value === 'object') {
      for (const [key, item] of Object.entries(value)) walk(item, `${path}.${key}`);
    }
  };
  for (const [name, value] of Object.entries(variables ?? {})) walk(value, `$${name}`);
  if (cleanDocuments.has(document)) return;
  visit(document, {
    [Kind.STRING]: (node) => {
      if (!isStorableText(node.value)) throw refuse('A string in the query');
    },
  });
  cleanDocuments.add(document);
}

/** Parsed documents (Apollo keeps one per query text) whose literals were found clean: walked once. */
const cleanDocuments = new WeakSet<DocumentNode>();
