import { Entity, Property as Column } from '@mikro-orm/decorators/legacy';
import { Field, ObjectType } from 'type-graphql';
import { TenantEntity } from './TenantEntity.js';

@ObjectType({
  description: 'A contact point the organization never messages, whatever its consent',
  simpleResolvers: true,
})
@Entity({ tableName: 'do_not_contact' })
export class DoNotContact extends TenantEntity {
  @Field()
  @Column({ type: 'text' })
  contactPoint!: string;

  @Field({ nullable: true })
  @Column({ type: 'text', nullable: true })
  reason?: string;

  @Column({ type: 'uuid', nullable: true })
  addedById?: string;
}
