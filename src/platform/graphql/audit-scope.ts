import { defaultFieldResolver, type GraphQLSchema } from 'graphql';
import type { Context } from '../context.js';
import { runAudited } from '../tenancy/tenant-context.js';

/**
 * Runs every root Mutation field in an audit scope: the rows it changes in audited tables are
 * appended to the audit log (by the database, in the same transaction) with the caller, the API key
 * if one is calling, the client's address and user agent, the request id and the mutation's name.
 */
export function applyAuditScope(schema: GraphQLSchema): void {
  const mutation = schema.getMutationType();
  if (!mutation) return;
  for (const field of Object.values(mutation.getFields())) {
    const resolve = field.resolve ?? defaultFieldResolver;
    field.resolve = (source, args, context: Context, info) =>
      runAudited(
        {
          userId: context.user?.id ?? null,
          apiKeyId: context.user?.apiKeyId ?? null,
          ip: context.ip,
          userAgent: context.userAgent?.slice(0, 300),
          requestId: context.requestId,
          operation: info.fieldName,
        },
        () => resolve(source, args, context, info),
      );
  }
}
