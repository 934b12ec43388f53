import { Entity, Enum, Property as Column } from '@mikro-orm/decorators/legacy';
import { Field, Int, ObjectType } from 'type-graphql';
import { CampaignStatus, MessageChannel } from './enums.js';
import type { LeadFilter } from './LeadRepository.js';
import { TenantEntity } from './TenantEntity.js';

@ObjectType({
  description: 'One template sent to an audience of leads, within a sending window',
  simpleResolvers: true,
})
@Entity({ tableName: 'campaigns' })
export class Campaign extends TenantEntity<'status' | 'windowStartHour' | 'windowEndHour' | 'generation'> {
  @Field()
  @Column({ type: 'text' })
  name!: string;

  @Field(() => MessageChannel)
  @Enum({ items: () => MessageChannel, nativeEnumName: 'message_channel' })
  channel!: MessageChannel;

  @Column({ type: 'uuid' })
  templateId!: string;

  /** The saved lead filter, evaluated at launch. */
  @Column({ type: 'jsonb' })
  audience!: LeadFilter;

  @Field(() => CampaignStatus)
  @Enum({ items: () => CampaignStatus, nativeEnumName: 'campaign_status' })
  status: CampaignStatus = CampaignStatus.DRAFT;

  @Field({ nullable: true, description: 'When sending starts (launch time when not set)' })
  @Column({ type: 'timestamptz', nullable: true })
  startAt?: Date;

  @Field(() => Int, { description: 'Sending window start, hour of the recipient’s local day (0–23)' })
  @Column({ type: 'smallint' })
  windowStartHour = 9;

  @Field(() => Int, { description: 'Sending window end (exclusive), hour of the recipient’s local day (1–24)' })
  @Column({ type: 'smallint' })
  windowEndHour = 20;

  @Field(() => Int, { nullable: true, description: 'Skip a lead that another campaign messaged within this many days' })
  @Column({ type: 'smallint', nullable: true })
  frequencyCapDays?: number;

  @Field({ nullable: true })
  @Column({ type: 'timestamptz', nullable: true })
  launchedAt?: Date;

  @Field({ nullable: true })
  @Column({ type: 'timestamptz', nullable: true })
  completedAt?: Date;

  /** Bumped on resume so the re-enqueued sends get fresh job ids. */
  @Column({ type: 'integer' })
  generation = 0;

  @Column({ type: 'uuid', nullable: true })
  createdById?: string;
}
