import { Arg, Args, Authorized, Ctx, FieldResolver, ID, Int, Mutation, Query, Resolver } from 'type-graphql';
import { Parent } from '../common/Parent.js';
import { Activity } from '../../entities/Activity.js';
import { Deal } from '../../entities/Deal.js';
import { Lead } from '../../entities/Lead.js';
import { Property } from '../../entities/Property.js';
import { User } from '../../entities/User.js';
import { WRITERS } from '../../src/platform/auth/auth-checker.js';
import type { Context } from '../../src/platform/context.js';
import { ValidationError } from '../../src/platform/errors/index.js';
import { pageRequest, toConnection, type ConnectionShape } from '../common/Connection.js';
import { LeadConnection, leadOrder, LeadsArgs } from './LeadArgs.js';
import { LeadInput } from './LeadInput.js';
import { oneOrNotFound } from '../common/one.js';

@Resolver(() => Lead)
export class LeadResolver {
  @Authorized()
  @Query(() => Lead)
  lead(@Arg('id', () => ID) id: string, @Ctx() ctx: Context): Promise<Lead> {
    return oneOrNotFound(ctx.loaders.lead, id, 'Lead');
  }

  @Authorized()
  @Query(() => LeadConnection)
  async leads(@Args() args: LeadsArgs, @Ctx() ctx: Context): Promise<ConnectionShape<Lead>> {
    return toConnection(await ctx.services.leads.page(args.filter ?? {}, leadOrder(args.orderBy), pageRequest(args)));
  }

  @Authorized(WRITERS)
  @Mutation(() => Lead, { description: 'Add a seller lead; announces LEAD_CREATED on pipelineEvents' })
  createLead(@Arg('input') input: LeadInput, @Ctx() ctx: Context): Promise<Lead> {
    return ctx.services.leads.create(input);
  }

  @Authorized(WRITERS)
  @Mutation(() => Lead)
  updateLead(@Arg('id', () => ID) id: string, @Arg('input') input: LeadInput, @Ctx() ctx: Context): Promise<Lead> {
    return ctx.services.leads.update(id, input);
  }

  @FieldResolver(() => Property, { nullable: true })
  property(@Parent() lead: Lead, @Ctx() ctx: Context): Promise<Property | null> | null {
    return lead.propertyId ? ctx.loaders.property.load(lead.propertyId) : null;
  }

  @FieldResolver(() => User, { nullable: true })
  assignedUser(@Parent() lead: Lead, @Ctx() ctx: Context): Promise<User | null> | null {
    return lead.assignedUserId ? ctx.loaders.user.load(lead.assignedUserId) : null;
  }

  @FieldResolver(() => [Activity], { description: 'Timeline, newest first' })
  async activities(
    @Parent() lead: Lead,
    @Ctx() ctx: Context,
    @Arg('first', () => Int, { nullable: true, description: 'Only the newest N (1-500)' }) first?: number,
  ): Promise<Activity[]> {
    if (first != null && (first < 1 || first > 500))
      throw new ValidationError('first must be between 1 and 500', 'first');
    const all = await ctx.loaders.activitiesByLead.load(lead.id);
    return first != null ? all.slice(0, first) : all;
  }

  @FieldResolver(() => [Deal])
  deals(@Parent() lead: Lead, @Ctx() ctx: Context): Promise<Deal[]> {
    return ctx.loaders.dealsByLead.load(lead.id);
  }
}
