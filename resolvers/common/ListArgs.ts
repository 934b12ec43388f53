import { ArgsType, Field, InputType, type ClassType } from 'type-graphql';
import { OrderDirection, PageArgs } from './Connection.js';

/** What an `XOrderBy` input holds: a field of the list's order enum and a direction. */
export interface OrderByShape<F extends string> {
  field: F;
  direction: OrderDirection;
}

/** Builds the `XOrderBy` input type (`field` of the given enum, `direction` defaulting to DESC). */
export function OrderBy<F extends string>(fieldEnum: object, name: string): ClassType<OrderByShape<F>> {
  @InputType(`${name}OrderBy`)
  class OrderByInput {
    @Field(() => fieldEnum)
    field!: F;

    @Field(() => OrderDirection, { defaultValue: OrderDirection.DESC })
    direction: OrderDirection = OrderDirection.DESC;
  }
  return OrderByInput;
}

/** Page arguments plus an optional filter and order: the arguments of every paged list. */
export function ListArgs<TFilter extends object, TOrder extends object>(
  Filter: ClassType<TFilter>,
  Order: ClassType<TOrder>,
) {
  @ArgsType()
  class Args extends PageArgs {
    @Field(() => Filter, { nullable: true })
    filter?: TFilter;

    @Field(() => Order, { nullable: true, description: 'Default: newest first' })
    orderBy?: TOrder;
  }
  return Args;
}

/** The repository's order from the argument: the given field and direction, else newest first. */
export function listOrder<C extends string>(
  o: OrderByShape<C> | undefined,
  newest: C,
): { column: C; direction: 'asc' | 'desc' } {
  return { column: o?.field ?? newest, direction: o?.direction ?? OrderDirection.DESC };
}
