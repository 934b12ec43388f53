import { Arg, Authorized, Ctx, ID, Mutation, Query, Resolver } from 'type-graphql';
import { User } from '../../entities/User.js';
import type { Context } from '../../src/platform/context.js';
import { UnauthenticatedError } from '../../src/platform/errors/index.js';
import { RateLimit } from '../../src/platform/limits/rate-limit.js';
import { AcceptInvitationInput, LoginInput, RegisterInput } from './AuthInput.js';
import { AuthPayload } from './AuthPayload.js';
import { RegisterPayload } from './RegisterPayload.js';
import { Session } from './Session.js';

@Resolver()
export class AuthResolver {
  @RateLimit(
    { window: '1m', max: 5, by: 'ip', identityArgs: ['input.email'] },
    { window: '1m', max: 20, by: 'ip' },
    // Per address, from everywhere: nobody's mailbox is flooded with sign-up mail.
    { window: '1h', max: 5, by: 'anyone', identityArgs: ['input.email'] },
  )
  @Mutation(() => RegisterPayload, {
    description:
      'Create an organization and its first user (OWNER). With email verification (the default) the answer is ' +
      'the same whether or not the address has an account, and a code goes to the mailbox: completeRegistration.',
  })
  register(@Arg('input') input: RegisterInput, @Ctx() ctx: Context): Promise<RegisterPayload> {
    return ctx.services.registrations.register(input, client(ctx));
  }

  @RateLimit({ window: '1m', max: 10, by: 'ip' })
  @Mutation(() => AuthPayload, {
    description:
      'Finish a sign-up with the emailed code (once, 30 minutes): the organization is created, you are its OWNER',
  })
  completeRegistration(@Arg('token') token: string, @Ctx() ctx: Context): Promise<AuthPayload> {
    return ctx.services.registrations.complete(token, client(ctx));
  }

  @RateLimit(
    { window: '1m', max: 5, by: 'ip', identityArgs: ['input.email'] },
    { window: '1m', max: 30, by: 'ip' },
    // Per account, from every address together: guessing one password from many IPs is slow too.
    { window: '1h', max: 50, by: 'anyone', identityArgs: ['input.email'] },
  )
  @Mutation(() => AuthPayload, { description: 'Sign in. A wrong email and a wrong password give the same error.' })
  login(@Arg('input') input: LoginInput, @Ctx() ctx: Context): Promise<AuthPayload> {
    return ctx.services.auth.login(input, client(ctx));
  }

  @RateLimit({ window: '1m', max: 30, by: 'ip' })
  @Mutation(() => AuthPayload, { description: 'Trade a refresh token for a new session; the old token stops working' })
  refreshToken(@Arg('token') token: string, @Ctx() ctx: Context): Promise<AuthPayload> {
    return ctx.services.auth.refresh(token, client(ctx));
  }

  @Authorized()
  @Mutation(() => Boolean, { description: 'End the session the refresh token belongs to' })
  logout(@Arg('refreshToken') refreshToken: string, @Ctx() ctx: Context): Promise<boolean> {
    return ctx.services.auth.logout(ctx.user!, refreshToken);
  }

  @RateLimit({ window: '1m', max: 10, by: 'ip' })
  @Mutation(() => AuthPayload, { description: 'Join an organization with an invitation token' })
  acceptInvitation(@Arg('input') input: AcceptInvitationInput, @Ctx() ctx: Context): Promise<AuthPayload> {
    return ctx.services.auth.acceptInvitation(input, client(ctx));
  }

  @Authorized()
  @RateLimit({ window: '1m', max: 5 })
  @Mutation(() => AuthPayload, {
    description: 'Change your password: every other session ends; the answer is your new session',
  })
  changePassword(
    @Arg('currentPassword') currentPassword: string,
    @Arg('newPassword') newPassword: string,
    @Ctx() ctx: Context,
  ): Promise<AuthPayload> {
    return ctx.services.passwords.change(ctx.user!, currentPassword, newPassword, client(ctx));
  }

  @RateLimit({ window: '1m', max: 5, by: 'ip' }, { window: '1h', max: 5, by: 'anyone', identityArgs: ['email'] })
  @Mutation(() => Boolean, {
    description:
      'Email a single-use reset code (30 minutes) to the account with this address. Always true: ' +
      'the answer does not say whether the address has an account.',
  })
  requestPasswordReset(@Arg('email') email: string, @Ctx() ctx: Context): Promise<boolean> {
    return ctx.services.passwords.requestReset(email, ctx.ip);
  }

  @RateLimit({ window: '1m', max: 10, by: 'ip' })
  @Mutation(() => Boolean, { description: 'Set a new password with a reset code; every session of the account ends' })
  resetPassword(
    @Arg('token') token: string,
    @Arg('newPassword') newPassword: string,
    @Ctx() ctx: Context,
  ): Promise<boolean> {
    return ctx.services.passwords.reset(token, newPassword);
  }

  @Authorized()
  @Query(() => [Session], { description: 'Your active sessions (sign-ins), most recently used first' })
  sessions(@Ctx() ctx: Context): Promise<Session[]> {
    return ctx.services.sessions.list();
  }

  @Authorized()
  @Mutation(() => Boolean, {
    description:
      'End one of your sessions: its refresh token stops at once, its access tokens within seconds ' +
      '(HTTP refused, sockets closed with 4403)',
  })
  revokeSession(@Arg('id', () => ID) id: string, @Ctx() ctx: Context): Promise<boolean> {
    return ctx.services.sessions.revoke(id);
  }

  @Authorized()
  @Query(() => User, { description: 'The signed-in user' })
  async me(@Ctx() ctx: Context): Promise<User> {
    const user = await ctx.loaders.user.load(ctx.user!.id);
    if (!user) throw new UnauthenticatedError('This user no longer exists');
    return user;
  }
}

/** Where the request comes from, recorded on the session it starts or renews. */
function client(ctx: Context) {
  return { ip: ctx.ip, userAgent: ctx.userAgent };
}
