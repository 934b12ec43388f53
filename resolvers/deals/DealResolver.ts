import type { GraphQLResolveInfo } from 'graphql';
import { Arg, Args, Authorized, Ctx, FieldResolver, ID, Info, Mutation, Query, Resolver } from 'type-graphql';
import { Parent } from '../common/Parent.js';
import { Reads } from '../../src/platform/loaders/selection.js';
import { Deal } from '../../entities/Deal.js';
import { DealStageChange } from '../../entities/DealStageChange.js';
import { DealStage } from '../../entities/enums.js';
import { Lead } from '../../entities/Lead.js';
import { Property } from '../../entities/Property.js';
import { User } from '../../entities/User.js';
import { WRITERS } from '../../src/platform/auth/auth-checker.js';
import type { Context } from '../../src/platform/context.js';
import { pageRequest, toConnection, type ConnectionShape } from '../common/Connection.js';
import { DealConnection, dealOrder, DealsArgs } from './DealArgs.js';
import { CreateDealInput, DealInput } from './DealInput.js';
import { oneOrNotFound } from '../common/one.js';

@Resolver(() => Deal)
export class DealResolver {
  @Authorized()
  @Query(() => Deal)
  deal(@Arg('id', () => ID) id: string, @Ctx() ctx: Context, @Info() info: GraphQLResolveInfo): Promise<Deal> {
    return oneOrNotFound(ctx.loaders.deal.selecting(info), id, 'Deal');
  }

  @Authorized()
  @Query(() => DealConnection)
  async deals(
    @Args() args: DealsArgs,
    @Ctx() ctx: Context,
    @Info() info: GraphQLResolveInfo,
  ): Promise<ConnectionShape<Deal>> {
    const order = dealOrder(args.orderBy);
    return toConnection(await ctx.services.deals.page(args.filter ?? {}, order, pageRequest(args, info)));
  }

  @Authorized(WRITERS)
  @Mutation(() => Deal, { description: 'Open a deal for a lead and a property; announces DEAL_CREATED' })
  createDeal(@Arg('input') input: CreateDealInput, @Ctx() ctx: Context): Promise<Deal> {
    return ctx.services.deals.create(input);
  }

  @Authorized(WRITERS)
  @Mutation(() => Deal, { description: 'Change deal figures; announces DEAL_UPDATED' })
  updateDeal(@Arg('id', () => ID) id: string, @Arg('input') input: DealInput, @Ctx() ctx: Context): Promise<Deal> {
    return ctx.services.deals.update(id, input);
  }

  @Authorized(WRITERS)
  @Mutation(() => Deal, {
    description:
      'Move a deal to a stage, recording history; announces DEAL_MOVED. Leaving CLOSED_WON/CLOSED_LOST needs ' +
      'OWNER or ADMIN; CLOSED_LOST needs a note.',
  })
  moveDeal(
    @Arg('id', () => ID) id: string,
    @Arg('stage', () => DealStage) stage: DealStage,
    @Ctx() ctx: Context,
    @Arg('note', () => String, { nullable: true }) note?: string | null,
  ): Promise<Deal> {
    return ctx.services.deals.move(id, stage, note);
  }

  @FieldResolver(() => Lead, { nullable: true })
  @Reads('leadId')
  lead(@Parent() deal: Deal, @Ctx() ctx: Context, @Info() info: GraphQLResolveInfo): Promise<Lead | null> {
    return ctx.loaders.lead.selecting(info).load(deal.leadId);
  }

  @FieldResolver(() => Property, { nullable: true })
  @Reads('propertyId')
  property(@Parent() deal: Deal, @Ctx() ctx: Context, @Info() info: GraphQLResolveInfo): Promise<Property | null> {
    return ctx.loaders.property.selecting(info).load(deal.propertyId);
  }

  @FieldResolver(() => User, { nullable: true })
  @Reads('assignedUserId')
  assignedUser(
    @Parent() deal: Deal,
    @Ctx() ctx: Context,
    @Info() info: GraphQLResolveInfo,
  ): Promise<User | null> | null {
    return deal.assignedUserId ? ctx.loaders.user.selecting(info).load(deal.assignedUserId) : null;
  }

  @FieldResolver(() => [DealStageChange], { description: 'Stage history, oldest first' })
  @Reads('id')
  stageHistory(@Parent() deal: Deal, @Ctx() ctx: Context): Promise<DealStageChange[]> {
    return ctx.loaders.stageHistoryByDeal.load(deal.id);
  }
}

@Resolver(() => DealStageChange)
export class DealStageChangeResolver {
  @FieldResolver(() => User, { nullable: true, description: 'Who moved it' })
  by(@Parent() change: DealStageChange, @Ctx() ctx: Context): Promise<User | null> | null {
    return change.byUserId ? ctx.loaders.user.load(change.byUserId) : null;
  }
}
