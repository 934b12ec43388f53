import { Entity, Enum, Property as Column } from '@mikro-orm/decorators/legacy';
import { Field, Int, ObjectType } from 'type-graphql';
import { MemoStatus } from './enums.js';
import { TenantEntity } from './TenantEntity.js';

@ObjectType({ description: 'An investment memo PDF rendered from one underwriting version', simpleResolvers: true })
@Entity({ tableName: 'memos' })
export class Memo extends TenantEntity<'status'> {
  @Column({ type: 'uuid' })
  dealId!: string;

  @Column({ type: 'uuid' })
  underwritingId!: string;

  @Field(() => MemoStatus)
  @Enum({ items: () => MemoStatus, nativeEnumName: 'memo_status' })
  status: MemoStatus = MemoStatus.PENDING;

  /** `orgs/<organizationId>/memos/<id>.pdf` in object storage; never handed to clients. */
  @Column({ type: 'text', nullable: true })
  storageKey?: string;

  @Field({
    nullable: true,
    description: 'SHA-256 of the PDF; the same underwriting version always renders the same bytes',
  })
  @Column({ type: 'text', nullable: true })
  sha256?: string;

  @Field(() => Int, { nullable: true })
  @Column({ type: 'integer', nullable: true })
  sizeBytes?: number;

  @Field({ nullable: true })
  @Column({ type: 'timestamptz', nullable: true })
  readyAt?: Date;

  @Column({ type: 'text', nullable: true })
  error?: string;

  @Column({ type: 'uuid' })
  createdById!: string;
}
