import { LocalDateResolver } from '../../src/platform/graphql/scalars.js';
import { Field, Float, ID, InputType } from 'type-graphql';
import { LeadSource } from '../../entities/enums.js';

@InputType({ description: 'All but campaignId required to record; on update only the fields given change' })
export class MarketingSpendInput {
  @Field(() => LeadSource, { nullable: true })
  source?: LeadSource;

  @Field(() => ID, { nullable: true, description: 'The campaign it paid for (null clears it)' })
  campaignId?: string;

  @Field({ nullable: true, description: 'e.g. "March mail drop, 5,000 pieces"' })
  label?: string;

  @Field(() => Float, { nullable: true, description: 'More than 0, at most 1,000,000,000' })
  amount?: number;

  @Field(() => LocalDateResolver, { nullable: true })
  periodStart?: string;

  @Field(() => LocalDateResolver, { nullable: true, description: 'Inclusive; at most ten years after periodStart' })
  periodEnd?: string;
}
