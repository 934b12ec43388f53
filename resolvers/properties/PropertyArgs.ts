import { ArgsType, Field, InputType, registerEnumType } from 'type-graphql';
import { PropertyType } from '../../entities/enums.js';
import { Property } from '../../entities/Property.js';
import type { PropertyOrderColumn } from '../../entities/PropertyRepository.js';
import { Connection, OrderDirection, PageArgs } from '../common/Connection.js';

export enum PropertyOrderField {
  CREATED_AT = 'createdAt',
  UPDATED_AT = 'updatedAt',
  ESTIMATED_VALUE = 'estimatedValue',
  CITY = 'city',
  ADDRESS = 'addressLine',
}
registerEnumType(PropertyOrderField, { name: 'PropertyOrderField' });

@InputType()
export class PropertyFilterInput {
  @Field({ nullable: true, description: 'Matches address, owner name, city or ZIP (case-insensitive substring)' })
  search?: string;

  @Field({ nullable: true })
  city?: string;

  @Field({ nullable: true })
  state?: string;

  @Field({ nullable: true })
  zip?: string;

  @Field(() => [PropertyType], { nullable: true })
  propertyTypes?: PropertyType[];

  @Field(() => [String], { nullable: true, description: 'Has at least one of these tags' })
  tagsAny?: string[];

  @Field(() => [String], { nullable: true, description: 'Has all of these tags' })
  tagsAll?: string[];

  @Field({ nullable: true })
  ownerOccupied?: boolean;

  @Field({ nullable: true })
  createdAfter?: Date;

  @Field({ nullable: true })
  createdBefore?: Date;

  @Field({ nullable: true, defaultValue: false })
  includeArchived?: boolean;
}

@InputType()
export class PropertyOrderBy {
  @Field(() => PropertyOrderField)
  field!: PropertyOrderField;

  @Field(() => OrderDirection, { defaultValue: OrderDirection.DESC })
  direction: OrderDirection = OrderDirection.DESC;
}

@ArgsType()
export class PropertiesArgs extends PageArgs {
  @Field(() => PropertyFilterInput, { nullable: true })
  filter?: PropertyFilterInput;

  @Field(() => PropertyOrderBy, { nullable: true, description: 'Default: newest first' })
  orderBy?: PropertyOrderBy;
}

export function propertyOrder(o?: PropertyOrderBy): { column: PropertyOrderColumn; direction: 'asc' | 'desc' } {
  return { column: o?.field ?? PropertyOrderField.CREATED_AT, direction: o?.direction ?? OrderDirection.DESC };
}

export const PropertyConnection = Connection(Property, 'Property');
