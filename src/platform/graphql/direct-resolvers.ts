import { GraphQLObjectType, GraphQLScalarType, type GraphQLFieldResolver, type GraphQLSchema } from 'graphql';
import { getMetadataStorage } from 'type-graphql';

type Param = ReturnType<typeof getMetadataStorage>['fieldResolvers'][number]['params'] extends (infer P)[] | undefined
  ? P
  : never;
type ResolverData = { root: unknown; args: Record<string, unknown>; context: unknown; info: unknown };

/**
 * type-graphql calls every field resolver through a handler that, on each call, asks its container
 * for the resolver instance, runs the middleware chain, sorts the parameter metadata and builds the
 * argument list — awaiting an async validation step for every `@Arg`, even with validation off. A
 * nested read makes hundreds of such calls per request (`Property.leads`, `Lead.activities`, …).
 *
 * For field resolvers that need none of it — on a resolver class (not the entity), no middlewares,
 * no `@Authorized` roles, and parameters that are only the parent (`@Parent`), `@Ctx`, `@Info` or
 * scalar `@Arg`s without their own validation — the schema field gets a direct function with the
 * arguments laid out once. The values passed are what type-graphql passes (a scalar argument as
 * given, the context and info as they are). Anything else keeps type-graphql's handler.
 */
export function applyDirectResolvers(schema: GraphQLSchema): number {
  const storage = getMetadataStorage();
  const typeNames = new Map(storage.objectTypes.map((o) => [o.target, o.name]));
  const instances = new Map<Function, Record<string, (...args: unknown[]) => unknown>>();
  let replaced = 0;
  for (const r of storage.fieldResolvers) {
    if (r.kind !== 'external' || r.middlewares?.length || r.roles) continue;
    const params = [...(r.params ?? [])].sort((a, b) => a.index - b.index);
    if (!params.every(direct)) continue;
    const owner = r.getObjectType?.();
    const type = owner && schema.getType(typeNames.get(owner) ?? '');
    const field = type instanceof GraphQLObjectType ? type.getFields()[r.schemaName] : undefined;
    if (!field) continue;
    let instance = instances.get(r.target);
    if (!instance) instances.set(r.target, (instance = new (r.target as new () => typeof instance)()!));
    const method = instance[r.methodName]!.bind(instance);
    const build = params.map(argument);
    const resolve: GraphQLFieldResolver<unknown, unknown> = (root, args, context, info) => {
      const data = { root, args, context, info };
      return method(...build.map((b) => b(data)));
    };
    field.resolve = resolve;
    replaced++;
  }
  return replaced;
}

function direct(p: Param): boolean {
  switch (p.kind) {
    case 'context':
    case 'info':
      return true;
    case 'custom':
      return !p.options.arg;
    case 'arg': {
      if (p.validateSettings !== undefined || p.validateFn) return false;
      const t = p.getType();
      return t instanceof GraphQLScalarType || t === Number || t === String || t === Boolean;
    }
    default:
      return false;
  }
}

function argument(p: Param): (d: ResolverData) => unknown {
  switch (p.kind) {
    case 'context': {
      const key = p.propertyName;
      return key ? (d) => (d.context as Record<string, unknown>)[key] : (d) => d.context;
    }
    case 'info':
      return (d) => d.info;
    case 'custom':
      return (d) => p.resolver(d as never);
    case 'arg': {
      const name = p.name;
      return (d) => d.args[name];
    }
    default:
      throw new Error(`no direct argument for a ${p.kind} parameter`);
  }
}
