import { Field, Float, Int, ObjectType, registerEnumType } from 'type-graphql';
import { DealStage } from '../../entities/enums.js';
import { PipelineEventType, type PipelineEventPayload } from '../../src/platform/pubsub.js';

registerEnumType(PipelineEventType, { name: 'PipelineEventType' });

@ObjectType({ description: 'Deals in one stage', simpleResolvers: true })
export class PipelineStage {
  @Field(() => DealStage)
  stage!: DealStage;

  @Field(() => Int)
  count!: number;

  @Field(() => Float, { description: 'Sum of contract price (or offer, when no contract yet)' })
  totalValue!: number;
}

@ObjectType({
  description: 'Something changed in your organization: a deal, lead, property, task, timeline entry or message',
})
export class PipelineEvent {
  @Field(() => PipelineEventType)
  type!: PipelineEventType;

  @Field(() => DealStage, { nullable: true, description: 'DEAL_MOVED: the stage it left' })
  fromStage?: DealStage | null;

  @Field(() => DealStage, { nullable: true, description: 'Deal events: the stage it is in now' })
  toStage?: DealStage | null;

  @Field()
  at!: Date;

  /** Ids the field resolvers load through the subscriber's own organization-scoped loaders. */
  dealId?: string;
  leadId?: string;
  propertyId?: string;
  activityId?: string;
  taskId?: string;
  inboundMessageId?: string;
  actorUserId?: string | null;

  static from(p: PipelineEventPayload): PipelineEvent {
    return Object.assign(new PipelineEvent(), {
      type: p.type,
      fromStage: p.fromStage ?? null,
      toStage: p.toStage ?? null,
      at: new Date(p.at),
      dealId: p.dealId,
      leadId: p.leadId,
      propertyId: p.propertyId,
      activityId: p.activityId,
      taskId: p.taskId,
      inboundMessageId: p.inboundMessageId,
      actorUserId: p.actorUserId,
    });
  }
}
