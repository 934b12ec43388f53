import { createParameterDecorator } from 'type-graphql';

/**
 * The parent object of a field resolver, as is. `@Root()` would copy a plain object into a new
 * instance of the entity class (running its constructor and the ORM's property accessors) for
 * every field on every row; loader snapshots already have the right shape, so we skip that.
 */
export function Parent(): ReturnType<typeof createParameterDecorator> {
  return createParameterDecorator(({ root }) => root);
}
