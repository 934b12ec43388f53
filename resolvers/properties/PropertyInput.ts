import { LocalDateResolver } from '../../src/platform/graphql/scalars.js';
import { Field, Float, InputType, Int } from 'type-graphql';
import { PropertyType } from '../../entities/enums.js';

@InputType({
  description: 'Property fields. On update, omitted fields stay as they are and null clears an optional one.',
})
export class PropertyInput {
  @Field({ nullable: true, description: 'Street address, e.g. "123 Main St Apt 4" (required on create)' })
  addressLine?: string;

  @Field({ nullable: true, description: 'Required on create' })
  city?: string;

  @Field({ nullable: true, description: 'Two-letter state code (required on create)' })
  state?: string;

  @Field({ nullable: true, description: 'ZIP or ZIP+4 (required on create)' })
  zip?: string;

  @Field(() => String, { nullable: true })
  county?: string | null;

  @Field(() => Float, { nullable: true })
  latitude?: number | null;

  @Field(() => Float, { nullable: true })
  longitude?: number | null;

  @Field(() => PropertyType, { nullable: true })
  propertyType?: PropertyType;

  @Field(() => Int, { nullable: true })
  bedrooms?: number | null;

  @Field(() => Float, { nullable: true })
  bathrooms?: number | null;

  @Field(() => Int, { nullable: true })
  squareFeet?: number | null;

  @Field(() => Int, { nullable: true })
  lotSizeSqft?: number | null;

  @Field(() => Int, { nullable: true })
  yearBuilt?: number | null;

  @Field(() => Float, { nullable: true })
  estimatedValue?: number | null;

  @Field(() => LocalDateResolver, { nullable: true })
  lastSaleDate?: string | null;

  @Field(() => Float, { nullable: true })
  lastSalePrice?: number | null;

  @Field(() => String, { nullable: true })
  ownerName?: string | null;

  @Field(() => String, { nullable: true })
  ownerMailingAddress?: string | null;

  @Field(() => Boolean, { nullable: true })
  ownerOccupied?: boolean | null;

  @Field(() => [String], { nullable: true })
  tags?: string[] | null;
}
