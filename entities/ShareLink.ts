import { Entity, Property as Column } from '@mikro-orm/decorators/legacy';
import { Field, Int, ObjectType } from 'type-graphql';
import { TenantEntity } from './TenantEntity.js';

@ObjectType({ description: 'A public, expiring link to a memo', simpleResolvers: true })
@Entity({ tableName: 'share_links' })
export class ShareLink extends TenantEntity<'views'> {
  @Column({ type: 'uuid' })
  memoId!: string;

  @Column({ type: 'text' })
  tokenHash!: string;

  @Field()
  @Column({ type: 'timestamptz' })
  expiresAt!: Date;

  @Field({ nullable: true })
  @Column({ type: 'timestamptz', nullable: true })
  revokedAt?: Date;

  @Field(() => Int)
  @Column({ type: 'integer' })
  views: number = 0;

  @Field({ nullable: true })
  @Column({ type: 'timestamptz', nullable: true })
  lastViewedAt?: Date;

  @Column({ type: 'uuid' })
  createdById!: string;
}
