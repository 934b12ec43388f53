import { Arg, Authorized, Ctx, FieldResolver, ID, Mutation, Query, Resolver } from 'type-graphql';
import { Parent } from '../common/Parent.js';
import { Role } from '../../entities/enums.js';
import { Invitation } from '../../entities/Invitation.js';
import { Organization } from '../../entities/Organization.js';
import { User } from '../../entities/User.js';
import { MANAGERS } from '../../src/platform/auth/auth-checker.js';
import type { Context } from '../../src/platform/context.js';
import { NotFoundError } from '../../src/platform/errors/index.js';
import { InvitationPayload, InviteUserInput, OrganizationSettingsInput } from './UserInput.js';

@Resolver(() => User)
export class UserResolver {
  @Authorized()
  @Query(() => [User], { description: 'Everyone in your organization' })
  users(@Ctx() ctx: Context): Promise<User[]> {
    return ctx.services.users.list();
  }

  @Authorized()
  @Query(() => Organization)
  async organization(@Ctx() ctx: Context): Promise<Organization> {
    const org = await ctx.em.findOne(Organization, { id: ctx.user!.organizationId });
    if (!org) throw new NotFoundError('Organization', ctx.user!.organizationId);
    return org;
  }

  @Authorized(MANAGERS)
  @Mutation(() => Organization, {
    description: 'The organization’s IANA time zone, e.g. America/New_York: it places all-day tasks and "today"',
  })
  setOrganizationTimeZone(@Arg('timeZone') timeZone: string, @Ctx() ctx: Context): Promise<Organization> {
    return ctx.services.users.setTimeZone(timeZone);
  }

  @Authorized(MANAGERS)
  @Mutation(() => Organization, { description: 'Stale-lead days, texting hours and audit retention (OWNER/ADMIN)' })
  updateOrganizationSettings(
    @Arg('input') input: OrganizationSettingsInput,
    @Ctx() ctx: Context,
  ): Promise<Organization> {
    return ctx.services.users.updateSettings(input);
  }

  @Authorized(MANAGERS)
  @Mutation(() => InvitationPayload, { description: 'Invite someone to your organization (OWNER/ADMIN)' })
  inviteUser(@Arg('input') input: InviteUserInput, @Ctx() ctx: Context): Promise<InvitationPayload> {
    return ctx.services.users.invite(input);
  }

  @Authorized(MANAGERS)
  @Mutation(() => User, {
    description:
      'Deactivate a member (OWNER/ADMIN): no sign-in, sessions revoked, tokens refused within seconds; their leads, ' +
      'deals and open tasks go to reassignTo (leads and deals unassigned without one)',
  })
  deactivateUser(
    @Arg('userId', () => ID) userId: string,
    @Ctx() ctx: Context,
    @Arg('reassignTo', () => ID, { nullable: true }) reassignTo?: string,
  ): Promise<User> {
    return ctx.services.users.deactivate(userId, reassignTo);
  }

  @Authorized(MANAGERS)
  @Mutation(() => User, { description: 'Let a deactivated member sign in again (OWNER/ADMIN)' })
  reactivateUser(@Arg('userId', () => ID) userId: string, @Ctx() ctx: Context): Promise<User> {
    return ctx.services.users.reactivate(userId);
  }

  @Authorized(MANAGERS)
  @Query(() => [Invitation], {
    description: 'Invitations not yet accepted or revoked, newest first, expired ones included (OWNER/ADMIN)',
  })
  invitations(@Ctx() ctx: Context): Promise<Invitation[]> {
    return ctx.services.users.pendingInvitations();
  }

  @Authorized(MANAGERS)
  @Mutation(() => Invitation, { description: 'Revoke a pending invitation; its token stops working (OWNER/ADMIN)' })
  revokeInvitation(@Arg('id', () => ID) id: string, @Ctx() ctx: Context): Promise<Invitation> {
    return ctx.services.users.revokeInvitation(id);
  }

  @Authorized(MANAGERS)
  @Mutation(() => User, { description: 'Change a member’s role (OWNER/ADMIN; only an OWNER touches OWNER)' })
  updateUserRole(
    @Arg('userId', () => ID) userId: string,
    @Arg('role', () => Role) role: Role,
    @Ctx() ctx: Context,
  ): Promise<User> {
    return ctx.services.users.updateRole(userId, role);
  }
}

@Resolver(() => Invitation)
export class InvitationResolver {
  @FieldResolver(() => User, { nullable: true })
  invitedBy(@Parent() invitation: Invitation, @Ctx() ctx: Context): Promise<User | null> {
    return ctx.loaders.user.load(invitation.invitedById);
  }
}
