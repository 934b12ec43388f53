import { Field, Float, Int, ObjectType } from 'type-graphql';
import { Property } from '../../entities/Property.js';

const simple = { simpleResolvers: true };

@ObjectType(simple)
export class CompAdjustments {
  @Field(() => Float) size!: number;
  @Field(() => Float) bedrooms!: number;
  @Field(() => Float) bathrooms!: number;
  @Field(() => Float) age!: number;
}

@ObjectType({ ...simple, description: 'A recent nearby sale, adjusted toward the subject property' })
export class Comp {
  @Field() id!: string;
  @Field() addressLine!: string;
  @Field() city!: string;
  @Field() state!: string;
  @Field() zip!: string;
  @Field(() => Int) squareFeet!: number;
  @Field(() => Int) bedrooms!: number;
  @Field(() => Float) bathrooms!: number;
  @Field(() => Int) yearBuilt!: number;
  @Field(() => Float) salePrice!: number;
  @Field() saleDate!: string;
  @Field(() => Float) distanceMiles!: number;
  @Field(() => Float, { description: '0-1' }) similarity!: number;
  @Field(() => CompAdjustments) adjustments!: CompAdjustments;
  @Field(() => Float) adjustedPrice!: number;
  @Field() pinned!: boolean;
}

@ObjectType({ ...simple, description: 'After-repair value estimated from the comps' })
export class ArvEstimate {
  @Field(() => Float) value!: number;
  @Field(() => Float) low!: number;
  @Field(() => Float) high!: number;
  @Field() method!: string;
  @Field(() => [String]) compIds!: string[];
}

@ObjectType(simple)
export class CompsResult {
  @Field(() => [Comp]) comps!: Comp[];
  @Field(() => ArvEstimate, { nullable: true }) arv!: ArvEstimate | null;
  @Field(() => String, { nullable: true, description: 'Why there is no estimate, when there is none' }) reason!:
    string | null;
  @Field() source!: string;
}

@ObjectType({ ...simple, description: 'Flood, wildfire and heat risk from the property-data provider' })
export class Hazards {
  @Field({ description: 'FEMA flood zone code' }) floodZone!: string;
  @Field() floodRisk!: string;
  @Field() wildfireRisk!: string;
  @Field() heatRisk!: string;
}

@ObjectType({ ...simple, description: 'Where an enriched value came from' })
export class FieldProvenance {
  @Field() field!: string;
  @Field() source!: string;
  @Field() fetchedAt!: string;
  @Field() method!: string;
  @Field(() => Float) confidence!: number;
}

@ObjectType(simple)
export class EnrichmentRequest {
  @Field({ description: 'BullMQ job id (one per property at a time)' }) jobId!: string;
  @Field(() => Property) property!: Property;
}
