import { Field, Float, InputType, Int, ObjectType } from 'type-graphql';

@ObjectType({ simpleResolvers: true, description: 'One feature’s share of the score' })
export class ScoreContribution {
  @Field({
    description:
      'baseline, equity, yearsOwned, absentee, ownerOccupied, vacant, codeViolation, olderHome, ' +
      'taxDelinquent, preForeclosure, probate, lien, engagement',
  })
  feature!: string;

  @Field({ description: 'What the feature was read as, e.g. "62% equity (estimated)"' })
  value!: string;

  @Field(() => Float, { description: 'Points added (or removed); all impacts sum exactly to the score' })
  impact!: number;
}

@ObjectType({
  simpleResolvers: true,
  description: 'Seller-motivation score 0-100 from an additive, documented model (docs/score.md)',
})
export class PropertyScore {
  @Field(() => Float)
  value!: number;

  @Field()
  modelVersion!: string;

  @Field(() => [ScoreContribution], { description: 'Top drivers first' })
  contributions!: ScoreContribution[];
}

@InputType({ description: 'Facts to try; omitted ones stay as they are' })
export class ScoreChangesInput {
  @Field(() => Int, { nullable: true, description: 'Inbound replies/calls on the timeline' })
  engagement?: number;

  @Field({ nullable: true }) vacant?: boolean;
  @Field({ nullable: true }) codeViolation?: boolean;
  @Field({ nullable: true }) absentee?: boolean;
  @Field({ nullable: true }) taxDelinquent?: boolean;
  @Field({ nullable: true }) preForeclosure?: boolean;
  @Field({ nullable: true }) probate?: boolean;
  @Field({ nullable: true }) lien?: boolean;
}

@ObjectType({ simpleResolvers: true })
export class ScoreChange {
  @Field() feature!: string;
  @Field() from!: string;
  @Field() to!: string;
}

@ObjectType({ simpleResolvers: true, description: 'A smallest set of actionable changes that reaches the target' })
export class ScoreCounterfactual {
  @Field(() => [ScoreChange]) changes!: ScoreChange[];
  @Field(() => Float) score!: number;
}
