import type { GraphQLResolveInfo } from 'graphql';
import { Arg, Args, Authorized, Ctx, FieldResolver, ID, Info, Int, Mutation, Query, Resolver } from 'type-graphql';
import { Parent } from '../common/Parent.js';
import { Reads } from '../../src/platform/loaders/selection.js';
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
  lead(@Arg('id', () => ID) id: string, @Ctx() ctx: Context, @Info() info: GraphQLResolveInfo): Promise<Lead> {
    return oneOrNotFound(ctx.loaders.lead.selecting(info), id, 'Lead');
  }

  @Authorized()
  @Query(() => LeadConnection)
  async leads(
    @Args() args: LeadsArgs,
    @Ctx() ctx: Context,
    @Info() info: GraphQLResolveInfo,
  ): Promise<ConnectionShape<Lead>> {
    const order = leadOrder(args.orderBy);
    return toConnection(await ctx.services.leads.page(args.filter ?? {}, order, pageRequest(args, info)));
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
  @Reads('propertyId')
  property(
    @Parent() lead: Lead,
    @Ctx() ctx: Context,
    @Info() info: GraphQLResolveInfo,
  ): Promise<Property | null> | null {
    return lead.propertyId ? ctx.loaders.property.selecting(info).load(lead.propertyId) : null;
  }

  @FieldResolver(() => User, { nullable: true })
  @Reads('assignedUserId')
  assignedUser(
    @Parent() lead: Lead,
    @Ctx() ctx: Context,
    @Info() info: GraphQLResolveInfo,
  ): Promise<User | null> | null {
    return lead.assignedUserId ? ctx.loaders.user.selecting(info).load(lead.assignedUserId) : null;
  }

  @FieldResolver(() => [Activity], { description: 'Timeline, newest first' })
  @Reads('id')
  async activities(
    @Parent() lead: Lead,
    @Ctx() ctx: Context,
    @Info() info: GraphQLResolveInfo,
    @Arg('first', () => Int, { nullable: true, description: 'Only the newest N (1-500)' }) first?: number,
  ): Promise<Activity[]> {
    if (first != null && (first < 1 || first > 500))
      throw new ValidationError('first must be between 1 and 500', 'first');
    const all = await ctx.loaders.activitiesByLead.selecting(info).load(lead.id);
    return first != null ? all.slice(0, first) : all;
  }

  @FieldResolver(() => [Deal])
  @Reads('id')
  deals(@Parent() lead: Lead, @Ctx() ctx: Context, @Info() info: GraphQLResolveInfo): Promise<Deal[]> {
    return ctx.loaders.dealsByLead.selecting(info).load(lead.id);
  }
}
