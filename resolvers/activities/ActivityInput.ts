import { Field, ID, InputType } from 'type-graphql';
import { ActivityType, Direction } from '../../entities/enums.js';

@InputType()
export class LogActivityInput {
  @Field(() => ID)
  leadId!: string;

  @Field(() => ActivityType)
  type!: ActivityType;

  @Field(() => Direction, { nullable: true, description: 'Default OUTBOUND' })
  direction?: Direction;

  @Field({ nullable: true })
  body?: string;

  @Field({ nullable: true, description: 'e.g. "left voicemail", "appointment set"' })
  outcome?: string;

  @Field({ nullable: true, description: 'Default now; not in the future' })
  occurredAt?: Date;
}
