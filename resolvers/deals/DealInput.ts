import { LocalDateResolver } from '../../src/platform/graphql/scalars.js';
import { Field, Float, ID, InputType } from 'type-graphql';
import { DealStage } from '../../entities/enums.js';

@InputType({
  description:
    'Deal fields. On update, omitted fields stay as they are and null clears an optional one. Stage changes ' +
    'go through moveDeal.',
})
export class DealInput {
  @Field({ nullable: true, description: 'Default: "<lead name> — <address>"' })
  title?: string;

  @Field(() => Float, { nullable: true })
  offerAmount?: number | null;

  @Field(() => Float, { nullable: true })
  contractPrice?: number | null;

  @Field(() => Float, { nullable: true })
  assignmentFee?: number | null;

  @Field(() => LocalDateResolver, { nullable: true })
  expectedCloseDate?: string | null;

  @Field(() => String, { nullable: true })
  lostReason?: string | null;

  @Field(() => ID, { nullable: true })
  assignedUserId?: string | null;
}

@InputType()
export class CreateDealInput extends DealInput {
  @Field(() => ID)
  leadId!: string;

  @Field(() => ID)
  propertyId!: string;

  @Field(() => DealStage, { nullable: true, description: 'Default NEW' })
  stage?: DealStage;
}
