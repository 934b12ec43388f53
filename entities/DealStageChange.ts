import { Entity, Enum, Property as Column } from '@mikro-orm/decorators/legacy';
import { Field, ObjectType } from 'type-graphql';
import { DealStage } from './enums.js';
import { TenantEntity } from './TenantEntity.js';

@ObjectType({ description: 'One entry of a deal’s stage history (append-only)', simpleResolvers: true })
@Entity({ tableName: 'deal_stage_changes' })
export class DealStageChange extends TenantEntity<'at'> {
  @Column({ type: 'uuid' })
  dealId!: string;

  @Field(() => DealStage, { nullable: true, description: 'Null for the entry recorded when the deal was created' })
  @Enum({ items: () => DealStage, nativeEnumName: 'deal_stage', nullable: true })
  fromStage?: DealStage;

  @Field(() => DealStage)
  @Enum({ items: () => DealStage, nativeEnumName: 'deal_stage' })
  toStage!: DealStage;

  @Field({ description: 'When the change happened' })
  @Column({ type: 'timestamptz' })
  at: Date = new Date();

  @Column({ type: 'uuid', nullable: true })
  byUserId?: string;

  @Field({ nullable: true })
  @Column({ type: 'text', nullable: true })
  note?: string;
}
