import type { GraphQLResolveInfo } from 'graphql';
import { Arg, Args, Authorized, Ctx, FieldResolver, ID, Info, Mutation, Query, Resolver } from 'type-graphql';
import { Parent } from '../common/Parent.js';
import { Reads } from '../../src/platform/loaders/selection.js';
import { Deal } from '../../entities/Deal.js';
import { Lead } from '../../entities/Lead.js';
import { Property } from '../../entities/Property.js';
import { WRITERS } from '../../src/platform/auth/auth-checker.js';
import type { Context } from '../../src/platform/context.js';
import { pageRequest, toConnection, type ConnectionShape } from '../common/Connection.js';
import { PropertiesArgs, PropertyConnection, propertyOrder } from './PropertyArgs.js';
import { PropertyInput } from './PropertyInput.js';
import { oneOrNotFound } from '../common/one.js';

@Resolver(() => Property)
export class PropertyResolver {
  @Authorized()
  @Query(() => Property, { description: 'One property; NOT_FOUND if it is not in your organization' })
  property(@Arg('id', () => ID) id: string, @Ctx() ctx: Context, @Info() info: GraphQLResolveInfo): Promise<Property> {
    return oneOrNotFound(ctx.loaders.property.selecting(info), id, 'Property');
  }

  @Authorized()
  @Query(() => PropertyConnection)
  async properties(
    @Args() args: PropertiesArgs,
    @Ctx() ctx: Context,
    @Info() info: GraphQLResolveInfo,
  ): Promise<ConnectionShape<Property>> {
    const page = await ctx.services.properties.page(
      args.filter ?? {},
      propertyOrder(args.orderBy),
      pageRequest(args, info),
    );
    return toConnection(page);
  }

  @Authorized(WRITERS)
  @Mutation(() => Property, {
    description:
      'Add a property; a duplicate address is rejected naming the existing one. Geocoding runs in the background.',
  })
  createProperty(@Arg('input') input: PropertyInput, @Ctx() ctx: Context): Promise<Property> {
    return ctx.services.properties.create(input);
  }

  @Authorized(WRITERS)
  @Mutation(() => Property)
  updateProperty(
    @Arg('id', () => ID) id: string,
    @Arg('input') input: PropertyInput,
    @Ctx() ctx: Context,
  ): Promise<Property> {
    return ctx.services.properties.update(id, input);
  }

  @Authorized(WRITERS)
  @Mutation(() => Property, { description: 'Hide a property from lists (idempotent); its address becomes free again' })
  archiveProperty(@Arg('id', () => ID) id: string, @Ctx() ctx: Context): Promise<Property> {
    return ctx.services.properties.archive(id);
  }

  @FieldResolver(() => [Lead])
  @Reads('id')
  leads(@Parent() property: Property, @Ctx() ctx: Context, @Info() info: GraphQLResolveInfo): Promise<Lead[]> {
    return ctx.loaders.leadsByProperty.selecting(info).load(property.id);
  }

  @FieldResolver(() => [Deal])
  @Reads('id')
  deals(@Parent() property: Property, @Ctx() ctx: Context, @Info() info: GraphQLResolveInfo): Promise<Deal[]> {
    return ctx.loaders.dealsByProperty.selecting(info).load(property.id);
  }
}
