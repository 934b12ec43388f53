import { ArgsType, Field, Float, InputType, registerEnumType } from 'type-graphql';
import { PropertyType } from '../../entities/enums.js';
import { Property } from '../../entities/Property.js';
import type { PropertyOrderColumn } from '../../entities/PropertyRepository.js';
import { Connection } from '../common/Connection.js';
import { ListArgs, listOrder, OrderBy, type OrderByShape } from '../common/ListArgs.js';

export enum PropertyOrderField {
  CREATED_AT = 'createdAt',
  UPDATED_AT = 'updatedAt',
  ESTIMATED_VALUE = 'estimatedValue',
  CITY = 'city',
  ADDRESS = 'addressLine',
  /** The stored seller-motivation score (unscored properties last). */
  SCORE = 'score',
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

  @Field(() => Float, { nullable: true, description: 'Score at least this (0–100)' })
  minScore?: number;

  @Field(() => Float, { nullable: true, description: 'Score at most this (0–100)' })
  maxScore?: number;

  @Field({ nullable: true, defaultValue: false })
  includeArchived?: boolean;
}

export const PropertyOrderBy = OrderBy<PropertyOrderColumn>(PropertyOrderField, 'Property');

@ArgsType()
export class PropertiesArgs extends ListArgs(PropertyFilterInput, PropertyOrderBy) {}

export function propertyOrder(o?: OrderByShape<PropertyOrderColumn>): {
  column: PropertyOrderColumn;
  direction: 'asc' | 'desc';
} {
  return listOrder(o, PropertyOrderField.CREATED_AT);
}

export const PropertyConnection = Connection(Property, 'Property');
