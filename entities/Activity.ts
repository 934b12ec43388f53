import { Entity, Enum, Property as Column } from '@mikro-orm/decorators/legacy';
import { Field, ObjectType } from 'type-graphql';
import { ActivityType, Direction } from './enums.js';
import { TenantEntity } from './TenantEntity.js';

@ObjectType({
  description: 'One touch on a lead’s timeline: a call, text, email, note, meeting…',
  simpleResolvers: true,
})
@Entity({ tableName: 'activities' })
export class Activity extends TenantEntity<'direction' | 'occurredAt'> {
  @Column({ type: 'uuid' })
  leadId!: string;

  @Field(() => ActivityType)
  @Enum({ items: () => ActivityType, nativeEnumName: 'activity_type' })
  type!: ActivityType;

  @Field(() => Direction)
  @Enum({ items: () => Direction, nativeEnumName: 'activity_direction' })
  direction: Direction = Direction.OUTBOUND;

  @Field({ nullable: true })
  @Column({ type: 'text', nullable: true })
  body?: string;

  @Field({ nullable: true })
  @Column({ type: 'text', nullable: true })
  outcome?: string;

  @Field()
  @Column({ type: 'timestamptz' })
  occurredAt: Date = new Date();

  @Column({ type: 'uuid', nullable: true })
  userId?: string;
}
