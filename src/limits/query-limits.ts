import {
  GraphQLError,
  Kind,
  type DocumentNode,
  type FieldNode,
  type FragmentDefinitionNode,
  type OperationDefinitionNode,
  type SelectionSetNode,
  type ValueNode,
} from 'graphql';

/** Limits on the shape of one operation; every one of them is checked on HTTP and on WebSocket. */
export interface QueryLimits {
  maxDepth: number;
  maxAliases: number;
  maxDirectives: number;
  /** Estimated resolver calls: each field costs 1, list fields multiply their children. */
  maxCost: number;
  maxTokens: number;
}

export const DEFAULT_QUERY_LIMITS: QueryLimits = { maxDepth: 10, maxAliases: 30, maxDirectives: 20, maxCost: 50_000, maxTokens: 5_000 };

/** List size assumed for a relation list without a `first` argument (e.g. a property's leads). */
const DEFAULT_LIST_SIZE = 10;
/** Page size when a connection's `first` is omitted (its default). */
const PAGED_DEFAULT_FIRST = 20;

export function tooComplex(limit: keyof QueryLimits, max: number, actual: number): GraphQLError {
  const what = { maxDepth: 'depth', maxAliases: 'aliases', maxDirectives: 'directives', maxCost: 'cost', maxTokens: 'tokens' }[limit];
  return new GraphQLError(`Query is too complex: ${what} ${actual} exceeds the limit of ${max}`, {
    extensions: { code: 'QUERY_TOO_COMPLEX', limit: what, max, actual, http: { status: 400 } },
  });
}

/**
 * Measures the selected operation (fragments expanded, variables applied) and throws
 * QUERY_TOO_COMPLEX naming the first limit it exceeds.
 */
export function checkQueryLimits(
  document: DocumentNode,
  operation: OperationDefinitionNode,
  variables: Record<string, unknown> | undefined,
  limits: QueryLimits,
): void {
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const def of document.definitions) if (def.kind === Kind.FRAGMENT_DEFINITION) fragments.set(def.name.value, def);
  let aliases = 0;
  let directives = operation.directives?.length ?? 0;
  let maxDepth = 0;

  const listSize = (field: FieldNode): number | null => {
    const first = field.arguments?.find((a) => a.name.value === 'first');
    if (first) return Math.max(0, Number(valueOf(first.value, variables)) || PAGED_DEFAULT_FIRST);
    return null;
  };

  // Returns the cost of a selection set; `seen` guards against fragment cycles (invalid anyway).
  // `pageSize` is the `first` of the enclosing connection, which sizes its `edges`.
  const walk = (set: SelectionSetNode, depth: number, seen: Set<string>, pageSize?: number): number => {
    maxDepth = Math.max(maxDepth, depth);
    if (maxDepth > limits.maxDepth) throw tooComplex('maxDepth', limits.maxDepth, maxDepth);
    let cost = 0;
    for (const sel of set.selections) {
      directives += sel.directives?.length ?? 0;
      if (sel.kind === Kind.FIELD) {
        if (sel.alias) aliases++;
        if (!sel.selectionSet) {
          cost += sel.name.value === '__typename' ? 0 : 1;
          continue;
        }
        const size = listSize(sel);
        const isConnection = size !== null && sel.selectionSet.selections.some((s) => s.kind === Kind.FIELD && s.name.value === 'edges');
        const children = walk(sel.selectionSet, depth + 1, seen, isConnection ? size! : undefined);
        // A connection's `first` sizes its edges; a list with `first` is that long; other relation lists are estimated.
        let multiplier = 1;
        if (sel.name.value === 'edges') multiplier = pageSize ?? PAGED_DEFAULT_FIRST;
        else if (size !== null && !isConnection) multiplier = size;
        else if (LIST_FIELDS.has(sel.name.value)) multiplier = DEFAULT_LIST_SIZE;
        cost += 1 + multiplier * children;
      } else if (sel.kind === Kind.INLINE_FRAGMENT) {
        cost += walk(sel.selectionSet, depth, seen, pageSize);
      } else {
        const name = sel.name.value;
        const frag = fragments.get(name);
        if (!frag || seen.has(name)) continue;
        cost += walk(frag.selectionSet, depth, new Set([...seen, name]), pageSize);
      }
      if (aliases > limits.maxAliases) throw tooComplex('maxAliases', limits.maxAliases, aliases);
      if (directives > limits.maxDirectives) throw tooComplex('maxDirectives', limits.maxDirectives, directives);
    }
    return cost;
  };

  const cost = walk(operation.selectionSet, 0, new Set());
  if (cost > limits.maxCost) throw tooComplex('maxCost', limits.maxCost, cost);
}

/** Relation fields that return lists (sized by DEFAULT_LIST_SIZE unless they take `first`). */
const LIST_FIELDS = new Set(['leads', 'deals', 'activities', 'stageHistory', 'users', 'pipeline']);

function valueOf(node: ValueNode, variables: Record<string, unknown> | undefined): unknown {
  switch (node.kind) {
    case Kind.INT:
    case Kind.FLOAT:
      return Number(node.value);
    case Kind.VARIABLE:
      return variables?.[node.name.value];
    case Kind.NULL:
      return null;
    default:
      return 'value' in node ? node.value : null;
  }
}

/** Picks the operation a request runs (by name, or the only one). */
export function selectOperation(document: DocumentNode, operationName?: string | null): OperationDefinitionNode | undefined {
  const ops = document.definitions.filter((d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION);
  return operationName ? ops.find((o) => o.name?.value === operationName) : ops.length === 1 ? ops[0] : undefined;
}
