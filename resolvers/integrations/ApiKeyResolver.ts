import { Arg, Authorized, Ctx, ID, Mutation, Query, Resolver } from 'type-graphql';
import { ApiKey } from '../../entities/ApiKey.js';
import { MANAGERS } from '../../src/platform/auth/auth-checker.js';
import type { Context } from '../../src/platform/context.js';
import { CreateApiKeyInput, CreatedApiKey } from './IntegrationInputs.js';

/** API keys for servers (OWNER/ADMIN signed in; a key cannot manage keys). */
@Resolver(() => ApiKey)
export class ApiKeyResolver {
  @Authorized(MANAGERS)
  @Query(() => [ApiKey], { description: 'Newest first, revoked ones included' })
  apiKeys(@Ctx() ctx: Context): Promise<ApiKey[]> {
    return ctx.services.apiKeys.list();
  }

  @Authorized(MANAGERS)
  @Mutation(() => CreatedApiKey, { description: 'The key is in the answer, and only there' })
  createApiKey(@Arg('input') input: CreateApiKeyInput, @Ctx() ctx: Context) {
    return ctx.services.apiKeys.create(input);
  }

  @Authorized(MANAGERS)
  @Mutation(() => ApiKey, { description: 'Refused from now on, on HTTP and WebSocket' })
  revokeApiKey(@Arg('id', () => ID) id: string, @Ctx() ctx: Context): Promise<ApiKey> {
    return ctx.services.apiKeys.revoke(id);
  }
}
