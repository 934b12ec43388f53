import { Arg, Authorized, Ctx, Mutation, Query, Resolver } from 'type-graphql';
import { User } from '../../entities/User.js';
import type { Context } from '../../src/platform/context.js';
import { UnauthenticatedError } from '../../src/platform/errors/index.js';
import { RateLimit } from '../../src/platform/limits/rate-limit.js';
import { AcceptInvitationInput, LoginInput, RegisterInput } from './AuthInput.js';
import { AuthPayload } from './AuthPayload.js';

@Resolver()
export class AuthResolver {
  @RateLimit({ window: '1m', max: 5, by: 'ip', identityArgs: ['input.email'] }, { window: '1m', max: 20, by: 'ip' })
  @Mutation(() => AuthPayload, { description: 'Create an organization and its first user (OWNER)' })
  register(@Arg('input') input: RegisterInput, @Ctx() ctx: Context): Promise<AuthPayload> {
    return ctx.services.auth.register(input);
  }

  @RateLimit(
    { window: '1m', max: 5, by: 'ip', identityArgs: ['input.email'] },
    { window: '1m', max: 30, by: 'ip' },
    // Per account, from every address together: guessing one password from many IPs is slow too.
    { window: '1h', max: 50, by: 'anyone', identityArgs: ['input.email'] },
  )
  @Mutation(() => AuthPayload, { description: 'Sign in. A wrong email and a wrong password give the same error.' })
  login(@Arg('input') input: LoginInput, @Ctx() ctx: Context): Promise<AuthPayload> {
    return ctx.services.auth.login(input);
  }

  @RateLimit({ window: '1m', max: 30, by: 'ip' })
  @Mutation(() => AuthPayload, { description: 'Trade a refresh token for a new session; the old token stops working' })
  refreshToken(@Arg('token') token: string, @Ctx() ctx: Context): Promise<AuthPayload> {
    return ctx.services.auth.refresh(token);
  }

  @Authorized()
  @Mutation(() => Boolean, { description: 'End the session the refresh token belongs to' })
  logout(@Arg('refreshToken') refreshToken: string, @Ctx() ctx: Context): Promise<boolean> {
    return ctx.services.auth.logout(ctx.user!, refreshToken);
  }

  @RateLimit({ window: '1m', max: 10, by: 'ip' })
  @Mutation(() => AuthPayload, { description: 'Join an organization with an invitation token' })
  acceptInvitation(@Arg('input') input: AcceptInvitationInput, @Ctx() ctx: Context): Promise<AuthPayload> {
    return ctx.services.auth.acceptInvitation(input);
  }

  @Authorized()
  @Query(() => User, { description: 'The signed-in user' })
  async me(@Ctx() ctx: Context): Promise<User> {
    const user = await ctx.loaders.user.load(ctx.user!.id);
    if (!user) throw new UnauthenticatedError('This user no longer exists');
    return user;
  }
}
