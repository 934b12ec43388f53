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
      if (!replicas.enabled) return resolve(source, args, context, info);
      let result: unknown;
      try {
        return (result = await resolve(source, args, context, info));
      } finally {
        // Also after a failure: a mutation may have written part of its work before it failed. A
        // sign-up or sign-in has no caller yet: its organization is the session's it answers with.
        const organizationId = context.user?.organizationId ?? sessionOrganization(result);
        if (organizationId)
          await replicas.recordWrite(organizationId).catch((err: Error) => {
            context.log.warn({ err: err.message }, 'could not record the write position for replica reads');
          });
      }
    };
  }
}

/** The organization of the session an auth mutation answers with (AuthPayload, or RegisterPayload's session). */
function sessionOrganization(result: unknown): string | undefined {
  const r = result as { user?: { organizationId?: string }; session?: { user?: { organizationId?: string } } } | null;
  return r?.user?.organizationId ?? r?.session?.user?.organizationId;
}
