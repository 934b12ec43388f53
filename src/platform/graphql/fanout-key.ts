import {
  Kind,
  type DocumentNode,
  type GraphQLSchema,
  type OperationDefinitionNode,
  type SelectionSetNode,
} from 'graphql';
import type { AuthUser } from '../auth/tokens.js';

/**
 * How widely a subscription field's events may be shared. `organization`: every socket of the same
 * organization and role running the same document with the same variables sees the same bytes.
 * Fields without it (per-user streams such as notifications) are shared only among one user's sockets.
 * Set on the field with `@Extensions({ fanout: 'organization' })`.
 */
export const FANOUT_EXTENSION = 'fanout';

/**
 * The key sockets share a subscription stream by: who may see it (organization and role, and the
 * user unless every root field is organization-wide), the document text, and the variables.
 */
export function fanoutKey(
  schema: GraphQLSchema,
  document: DocumentNode,
  operation: OperationDefinitionNode,
  query: string,
  variables: Record<string, unknown> | null | undefined,
  user: AuthUser,
): string {
  const fields = schema.getSubscriptionType()?.getFields() ?? {};
  const roots = rootFieldNames(document, operation.selectionSet, new Set());
  const shared =
    roots.length > 0 && roots.every((name) => fields[name]?.extensions?.[FANOUT_EXTENSION] === 'organization');
  const audience = shared ? `${user.organizationId}:${user.role}` : `${user.organizationId}:${user.role}:${user.id}`;
  return `${audience}\n${operation.name?.value ?? ''}\n${stableJson(variables ?? {})}\n${query}`;
}

function rootFieldNames(document: DocumentNode, set: SelectionSetNode, seen: Set<string>): string[] {
  const names: string[] = [];
  for (const selection of set.selections) {
    if (selection.kind === Kind.FIELD) names.push(selection.name.value);
    else if (selection.kind === Kind.INLINE_FRAGMENT)
      names.push(...rootFieldNames(document, selection.selectionSet, seen));
    else if (!seen.has(selection.name.value)) {
      seen.add(selection.name.value);
      const fragment = document.definitions.find(
        (d) => d.kind === Kind.FRAGMENT_DEFINITION && d.name.value === selection.name.value,
      );
      if (fragment?.kind === Kind.FRAGMENT_DEFINITION)
        names.push(...rootFieldNames(document, fragment.selectionSet, seen));
    }
  }
  return names;
}

/** JSON with object keys sorted, so `{a, b}` and `{b, a}` variables share a stream. */
export function stableJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(stableJson).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.keys(value)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${stableJson((value as Record<string, unknown>)[k])}`);
    return `{${entries.join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}
