import {
  getNamedType,
  isEnumType,
  isInputObjectType,
  isListType,
  isNonNullType,
  isObjectType,
  isScalarType,
  type GraphQLArgument,
  type GraphQLField,
  type GraphQLInputType,
  type GraphQLObjectType,
  type GraphQLSchema,
} from 'graphql';

/** A small deterministic PRNG (mulberry32): the same seed gives the same corpus. */
export function rng(seed: number) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return { next, pick: <T>(xs: readonly T[]): T => xs[Math.floor(next() * xs.length)]! };
}
type Rng = ReturnType<typeof rng>;

/** Values that have broken parsers, validators and databases before, per scalar. */
const NASTY_STRINGS = [
  '',
  ' ',
  'x',
  'a\u0000b', // NUL
  '\ud800', // a lone surrogate
  'x'.repeat(10_000),
  "' or 1=1 --",
  '%00%ff',
  '😀',
  'null',
  '00000000-0000-0000-0000-000000000000',
  'not-a-uuid',
  '../../etc/passwd',
  '<script>alert(1)</script>',
  '+15125550100',
  'someone@example.com',
];
const NASTY_INTS: unknown[] = [0, -1, 1, 2 ** 31, -(2 ** 31) - 1, 1e308, 3.5, '12', true, null, 100, 101, 20];
const NASTY_FLOATS: unknown[] = [0, -0.0001, 1e308, -1e308, 1.5, '1', false, null, 250_000];
const NASTY_DATES: unknown[] = [
  '0000-01-01T00:00:00.000Z',
  '2026-13-45T99:00:00Z',
  'now',
  '2026-12-06T10:00:00.000Z',
  '9999-12-31T23:59:59.999Z',
  12345,
  null,
];
const NASTY_LOCAL_DATES: unknown[] = ['0000-01-01', '2026-02-30', '2026-12-06', '1999-1-1', 'tomorrow', 7, null];

function scalarValue(name: string, r: Rng): unknown {
  switch (name) {
    case 'Int':
      return r.pick(NASTY_INTS);
    case 'Float':
      return r.pick(NASTY_FLOATS);
    case 'Boolean':
      return r.pick([true, false, 'yes', 0, null]);
    case 'DateTimeISO':
      return r.pick(NASTY_DATES);
    case 'LocalDate':
      return r.pick(NASTY_LOCAL_DATES);
    case 'ID':
      return r.pick([...NASTY_STRINGS, crypto.randomUUID(), 42]);
    default:
      return r.pick([...NASTY_STRINGS, 7, false]);
  }
}

/** A value for `type`: mostly of the right shape, often wrong in some way (types, nulls, extra fields). */
export function valueFor(type: GraphQLInputType, r: Rng, depth = 0): unknown {
  if (r.next() < 0.05) return null; // explicit null, wherever it goes
  if (isNonNullType(type)) return valueFor(type.ofType, r, depth);
  if (isListType(type)) {
    if (r.next() < 0.1) return valueFor(type.ofType, r, depth + 1); // a single value where a list goes
    const n = r.pick([0, 1, 2, 3, 150]);
    return Array.from({ length: n }, () => valueFor(type.ofType as GraphQLInputType, r, depth + 1));
  }
  if (isEnumType(type)) {
    const values = type.getValues().map((v) => v.name);
    return r.next() < 0.8 ? r.pick(values) : r.pick(['NOPE', values[0]!.toLowerCase(), 3]);
  }
  if (isScalarType(type)) return scalarValue(type.name, r);
  if (isInputObjectType(type)) {
    if (depth > 3) return {};
    const out: Record<string, unknown> = {};
    for (const field of Object.values(type.getFields())) {
      const required = isNonNullType(field.type);
      if (!required && r.next() < 0.5) continue; // optional fields: sometimes left out
      if (required && r.next() < 0.05) continue; // a required field missing
      out[field.name] = valueFor(field.type, r, depth + 1);
    }
    if (r.next() < 0.05) out.unknownField = 'x';
    return out;
  }
  return null;
}

/** A selection that is valid for `type`'s fields (scalars only, and __typename). */
function selectionFor(type: GraphQLObjectType): string {
  const scalars = Object.values(type.getFields())
    .filter((f) => !f.args.some((a) => isNonNullType(a.type)))
    .filter((f) => {
      const named = getNamedType(f.type);
      return isScalarType(named) || isEnumType(named);
    })
    .slice(0, 6)
    .map((f) => f.name);
  return `{ __typename ${scalars.join(' ')} }`;
}

function selectionOf(field: GraphQLField<unknown, unknown>): string {
  const named = getNamedType(field.type);
  if (isObjectType(named)) {
    if (named.getFields().edges) return '{ __typename totalCount }'; // a connection
    return selectionFor(named);
  }
  return '';
}

export interface FuzzOperation {
  kind: 'query' | 'mutation';
  field: string;
  query: string;
  variables: Record<string, unknown>;
}

/**
 * One operation on a root field: its arguments passed as variables (declared with their schema
 * type, or as nullable where the schema says non-null — a null then reaches coercion), or sometimes
 * as inline literals of the variable's JSON.
 */
export function operationFor(kind: 'query' | 'mutation', field: GraphQLField<unknown, unknown>, r: Rng): FuzzOperation {
  const variables: Record<string, unknown> = {};
  const decls: string[] = [];
  const args: string[] = [];
  for (const arg of field.args as GraphQLArgument[]) {
    if (!isNonNullType(arg.type) && r.next() < 0.4) continue;
    const value = valueFor(arg.type, r);
    const declared = r.next() < 0.2 && isNonNullType(arg.type) ? String(arg.type.ofType) : String(arg.type);
    if (r.next() < 0.15 && value !== undefined) {
      args.push(`${arg.name}: ${literal(value)}`);
      continue;
    }
    decls.push(`$${arg.name}: ${declared}`);
    args.push(`${arg.name}: $${arg.name}`);
    if (value !== undefined && !(r.next() < 0.05)) variables[arg.name] = value; // sometimes omitted
  }
  const header = decls.length ? `(${decls.join(', ')})` : '';
  const call = args.length ? `(${args.join(', ')})` : '';
  return {
    kind,
    field: field.name,
    query: `${kind} Fuzz${header} { ${field.name}${call} ${selectionOf(field)} }`,
    variables,
  };
}

/** A GraphQL literal for a JSON value (strings escaped as JSON strings, which GraphQL accepts). */
function literal(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return `[${value.map(literal).join(', ')}]`;
  if (typeof value === 'object')
    return `{ ${Object.entries(value as Record<string, unknown>)
      .map(([k, v]) => `${k}: ${literal(v)}`)
      .join(', ')} }`;
  if (typeof value === 'string') return JSON.stringify(value);
  return String(value);
}

/** `count` operations over every root query and mutation field, round-robin, from `seed`. */
export function corpus(schema: GraphQLSchema, count: number, seed: number, skip: Set<string>): FuzzOperation[] {
  const r = rng(seed);
  const fields: ['query' | 'mutation', GraphQLField<unknown, unknown>][] = [
    ...Object.values(schema.getQueryType()!.getFields()).map((f) => ['query', f] as ['query', typeof f]),
    ...Object.values(schema.getMutationType()!.getFields()).map((f) => ['mutation', f] as ['mutation', typeof f]),
  ].filter(([, f]) => !skip.has(f.name));
  return Array.from({ length: count }, (_, i) => {
    const [kind, field] = fields[i % fields.length]!;
    return operationFor(kind, field, r);
  });
}
