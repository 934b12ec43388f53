import { getNamedType, GraphQLObjectType, isScalarType, type GraphQLResolveInfo, type GraphQLSchema } from 'graphql';
import type { PubSub } from 'type-graphql';
import { describe, expect, it } from 'vitest';
import { applyDirectResolvers } from '../../src/platform/graphql/direct-resolvers.js';
import { buildAppSchema } from '../../src/platform/graphql/schema.js';

const pubSub = { publish: () => undefined, subscribe: () => undefined } as unknown as PubSub;

function field(schema: GraphQLSchema, type: string, name: string) {
  return (schema.getType(type) as GraphQLObjectType).getFields()[name]!;
}

/** A context whose loaders record what they were asked for. */
function recordingContext() {
  const loads: string[] = [];
  const loader = { load: async (id: string) => (loads.push(id), [{ id: `child-of-${id}` }]) };
  const loaders = new Proxy({}, { get: () => ({ ...loader, selecting: () => loader }) });
  return { loads, ctx: { loaders } };
}

const info = { fieldNodes: [], fragments: {} } as unknown as GraphQLResolveInfo;

describe('direct field resolvers', () => {
  it('replace type-graphql’s handler where nothing needs it, and answer as the resolver method does', async () => {
    const schema = await buildAppSchema(pubSub);
    const before = field(schema, 'Property', 'leads').resolve;
    const replaced = applyDirectResolvers(schema);
    expect(replaced).toBeGreaterThan(20);
    expect(field(schema, 'Property', 'leads').resolve).not.toBe(before);

    const { loads, ctx } = recordingContext();
    const leads = await field(schema, 'Property', 'leads').resolve!({ id: 'p1' }, {}, ctx, info);
    expect(leads).toEqual([{ id: 'child-of-p1' }]);
    // A scalar argument reaches the method as given: Lead.activities slices, and refuses 0 by name.
    const activities = field(schema, 'Lead', 'activities').resolve!;
    expect(await activities({ id: 'l1' }, { first: 1 }, ctx, info)).toEqual([{ id: 'child-of-l1' }]);
    await expect(activities({ id: 'l1' }, { first: 0 }, ctx, info)).rejects.toMatchObject({
      code: 'BAD_USER_INPUT',
      extensions: { field: 'first' },
    });
    expect(loads).toEqual(['p1', 'l1']);
  });

  it('leave root fields and resolvers with an input-object argument to type-graphql', async () => {
    const schema = await buildAppSchema(pubSub);
    const query = field(schema, 'Query', 'properties').resolve;
    const types = Object.values(schema.getTypeMap()).filter(
      (t): t is GraphQLObjectType =>
        t instanceof GraphQLObjectType && !/^(Query|Mutation|Subscription|__)/.test(t.name),
    );
    const withArgs = types
      .flatMap((t) => Object.values(t.getFields()))
      .filter((f) => f.args.some((a) => !isScalarType(getNamedType(a.type))));
    expect(withArgs.length).toBeGreaterThan(0);
    const kept = withArgs.map((f) => f.resolve);
    applyDirectResolvers(schema);
    expect(field(schema, 'Query', 'properties').resolve).toBe(query);
    expect(withArgs.map((f) => f.resolve)).toEqual(kept);
  });
});
