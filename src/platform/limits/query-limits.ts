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

export const DEFAULT_QUERY_LIMITS: QueryLimits = {
  maxDepth: 10,
  maxAliases: 30,
  maxDirectives: 20,
  maxCost: 50_000,
  maxTokens: 5_000,
};

/** List size assumed for a relation list without a `first` argument (e.g. a property's leads). */
const DEFAULT_LIST_SIZE = 10;
/** Page size when a connection's `first` is omitted (its default). */
const PAGED_DEFAULT_FIRST = 20;

export function tooComplex(limit: keyof QueryLimits, max: number, actual: number): GraphQLError {
  const what = {
    maxDepth: 'depth',
    maxAliases: 'aliases',
    maxDirectives: 'directives',
    maxCost: 'cost',
    maxTokens: 'tokens',
  }[limit];
  return new GraphQLError(`Query is too complex: ${what} ${actual} exceeds the limit of ${max}`, {
    extensions: { code: 'QUERY_TOO_COMPLEX', limit: what, max, actual, http: { status: 400 } },
  });
}

/** What one selection set adds up to once every fragment is expanded. */
interface Shape {
  /** Nesting levels below this set. */
  depth: number;
  cost: number;
  aliases: number;
  directives: number;
}

/**
 * Introspection roots: their subtrees are bounded by the schema (and by graphql-js's MaxIntrospectionDepthRule), not by
 * data.
 */
const INTROSPECTION_ROOTS = new Set(['__schema', '__type']);

/**
 * Measures the selected operation (fragments expanded, variables applied) and throws
 * QUERY_TOO_COMPLEX naming the first limit it exceeds (depth, aliases, directives, cost).
 *
 * Each fragment is measured once per enclosing page size and its shape reused at every spread, so
 * the work is linear in the document's size however often fragments spread each other (a document
 * of N fragments each spreading the previous one twice expands to 2^N selections; it is measured in
 * N steps and refused by its cost and alias figures). Introspection subtrees count towards aliases
 * and directives but not depth or cost, so the standard introspection query passes.
 *
 * An operation's shape depends on the variables only through the page sizes (`first`) it takes from
 * them, so it is kept per operation (Apollo keeps one parsed document per query text) and per those
 * page sizes: a repeated operation is measured once, not on every request.
 */
export function checkQueryLimits(
  document: DocumentNode,
  operation: OperationDefinitionNode,
  variables: Record<string, unknown> | undefined,
  limits: QueryLimits,
): void {
  const { depth, aliases, directives, cost } = shapeOf(document, operation, variables);
  const exact = (n: number) => Math.min(n, Number.MAX_SAFE_INTEGER);
  if (depth > limits.maxDepth) throw tooComplex('maxDepth', limits.maxDepth, depth);
  if (aliases > limits.maxAliases) throw tooComplex('maxAliases', limits.maxAliases, exact(aliases));
  if (directives > limits.maxDirectives) throw tooComplex('maxDirectives', limits.maxDirectives, exact(directives));
  if (cost > limits.maxCost) throw tooComplex('maxCost', limits.maxCost, exact(cost));
}

/** Shapes of an operation by the page sizes it took from variables; the names of those variables. */
interface Measured {
  variables: readonly string[];
  shapes: Map<string, Shape>;
}
const measured = new WeakMap<OperationDefinitionNode, Measured>();
/** Shapes kept per operation: one per distinct set of page sizes, up to this many. */
const SHAPES_PER_OPERATION = 32;

/** A page size as `first` gives it: the number, or the default when missing, null or not a number. */
function pageSizeOf(value: unknown): number {
  return Math.max(0, Number(value) || PAGED_DEFAULT_FIRST);
}

/** The page sizes the named variables give, as one key. */
function pageSizesKey(names: readonly string[], variables: Record<string, unknown> | undefined): string {
  return names.map((name) => pageSizeOf(variables?.[name])).join(',');
}

function shapeOf(
  document: DocumentNode,
  operation: OperationDefinitionNode,
  variables: Record<string, unknown> | undefined,
): Shape {
  const known = measured.get(operation);
  const hit = known?.shapes.get(pageSizesKey(known.variables, variables));
  if (hit) return hit;
  const read = new Set<string>();
  const shape = measureOperation(document, operation, variables, read);
  const entry = known ?? { variables: [...read], shapes: new Map<string, Shape>() };
  if (!known) measured.set(operation, entry);
  if (entry.shapes.size < SHAPES_PER_OPERATION) entry.shapes.set(pageSizesKey(entry.variables, variables), shape);
  return shape;
}

/** The operation's shape, its own directives included; `read` gets the variables its page sizes came from. */
function measureOperation(
  document: DocumentNode,
  operation: OperationDefinitionNode,
  variables: Record<string, unknown> | undefined,
  read: Set<string>,
): Shape {
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const def of document.definitions) if (def.kind === Kind.FRAGMENT_DEFINITION) fragments.set(def.name.value, def);
  const memo = new Map<string, Shape>();
  const inProgress = new Set<string>(); // fragment cycles are invalid documents; count them as empty

  const listSize = (field: FieldNode): number | null => {
    const first = field.arguments?.find((a) => a.name.value === 'first');
    if (!first) return null;
    if (first.value.kind === Kind.VARIABLE) read.add(first.value.name.value);
    return pageSizeOf(valueOf(first.value, variables));
  };
  const fragment = (name: string, pageSize: number | undefined, introspection: boolean): Shape => {
    const key = `${name}|${pageSize ?? ''}|${introspection ? 1 : 0}`;
    const known = memo.get(key);
    if (known) return known;
    const frag = fragments.get(name);
    if (!frag || inProgress.has(key)) return { depth: 0, cost: 0, aliases: 0, directives: 0 };
    inProgress.add(key);
    const shape = measure(frag.selectionSet, pageSize, introspection);
    inProgress.delete(key);
    memo.set(key, shape);
    return shape;
  };

  // A connection selects `edges`, directly or through fragments (`deals { ...DealPage }`).
  const edgesIn = new Map<string, boolean>();
  const selectsEdges = (set: SelectionSetNode): boolean =>
    set.selections.some((sel) => {
      if (sel.kind === Kind.FIELD) return sel.name.value === 'edges';
      if (sel.kind === Kind.INLINE_FRAGMENT) return selectsEdges(sel.selectionSet);
      const name = sel.name.value;
      if (!edgesIn.has(name)) {
        edgesIn.set(name, false); // a cycle (an invalid document) selects nothing
        const frag = fragments.get(name);
        edgesIn.set(name, !!frag && selectsEdges(frag.selectionSet));
      }
      return edgesIn.get(name)!;
    });

  // `pageSize` is the `first` of the enclosing connection, which sizes its `edges`.
  const measure = (set: SelectionSetNode, pageSize: number | undefined, introspection: boolean): Shape => {
    const total: Shape = { depth: 0, cost: 0, aliases: 0, directives: 0 };
    for (const sel of set.selections) {
      total.directives += sel.directives?.length ?? 0;
      let part: Shape;
      if (sel.kind === Kind.FIELD) {
        part = measureField(sel, pageSize, introspection);
      } else if (sel.kind === Kind.INLINE_FRAGMENT) {
        part = measure(sel.selectionSet, pageSize, introspection);
      } else {
        part = fragment(sel.name.value, pageSize, introspection);
      }
      total.depth = Math.max(total.depth, part.depth);
      total.cost += part.cost;
      total.aliases += part.aliases;
      total.directives += part.directives;
    }
    return total;
  };

  const measureField = (field: FieldNode, pageSize: number | undefined, introspection: boolean): Shape => {
    const aliases = field.alias ? 1 : 0;
    if (!field.selectionSet) {
      const cost = introspection || field.name.value === '__typename' ? 0 : 1;
      return { depth: 0, cost, aliases, directives: 0 };
    }
    const inside = introspection || INTROSPECTION_ROOTS.has(field.name.value);
    const size = listSize(field);
    const isConnection = selectsEdges(field.selectionSet);
    const children = measure(field.selectionSet, isConnection ? (size ?? PAGED_DEFAULT_FIRST) : undefined, inside);
    if (inside)
      return {
        depth: 0,
        cost: introspection ? 0 : 1,
        aliases: aliases + children.aliases,
        directives: children.directives,
      };
    // A connection's `first` sizes its edges; a list with `first` is that long; other relation lists are estimated.
    let multiplier = 1;
    if (field.name.value === 'edges') multiplier = pageSize ?? PAGED_DEFAULT_FIRST;
    else if (isConnection)
      multiplier = 1; // its page size multiplies its edges, once
    else if (size !== null) multiplier = size;
    else if (LIST_FIELDS.has(field.name.value)) multiplier = DEFAULT_LIST_SIZE;
    return {
      depth: children.depth + 1,
      cost: 1 + multiplier * children.cost,
      aliases: aliases + children.aliases,
      directives: children.directives,
    };
  };

  const shape = measure(operation.selectionSet, undefined, false);
  return { ...shape, directives: shape.directives + (operation.directives?.length ?? 0) };
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
export function selectOperation(
  document: DocumentNode,
  operationName?: string | null,
): OperationDefinitionNode | undefined {
  const ops = document.definitions.filter((d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION);
  return operationName ? ops.find((o) => o.name?.value === operationName) : ops.length === 1 ? ops[0] : undefined;
}
