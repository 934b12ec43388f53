import { defaultFieldResolver, type GraphQLSchema } from 'graphql';
import type { Context } from '../context.js';

/**
 * After every root Mutation field of a signed-in caller, records how far the primary's WAL went for
 * the caller's organization (src/platform/db/replicas.ts), so the organization's next reads go to a
 * replica only once it has replayed this mutation: a client always reads its own writes. Nothing
 * is done without replicas.
 */
export function applyWriteTracking(schema: GraphQLSchema): void {
  const mutation = schema.getMutationType();
  if (!mutation) return;
  for (const field of Object.values(mutation.getFields())) {
    const resolve = field.resolve ?? defaultFieldResolver;
    field.resolve = async (source, args, context: Context, info) => {
      const { replicas } = context.deps;
      const organizationId = context.user?.organizationId;
      if (!replicas.enabled || !organizationId) return resolve(source, args, context, info);
      try {
        return await resolve(source, args, context, info);
      } finally {
        // Also after a failure: a mutation may have written part of its work before it failed.
        await replicas.recordWrite(organizationId).catch((err: Error) => {
          context.log.warn({ err: err.message }, 'could not record the write position for replica reads');
        });
      }
    };
  }
}
