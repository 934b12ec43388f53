import { randomUUID } from 'node:crypto';
import { Entity, PrimaryKey, Property as Column } from '@mikro-orm/decorators/legacy';
import { Field, ID, ObjectType } from 'type-graphql';

@ObjectType({ description: 'A team: every business record belongs to exactly one organization', simpleResolvers: true })
@Entity({ tableName: 'organizations' })
export class Organization {
  @Field(() => ID)
  @PrimaryKey({ type: 'uuid' })
  id: string = randomUUID();

  @Field()
  @Column({ type: 'text' })
  name!: string;

  @Field({
    nullable: true,
    description: 'E.164 number SMS campaigns are sent from; inbound SMS to it belong to this organization',
  })
  @Column({ type: 'text', nullable: true, unique: true })
  smsNumber?: string;

  @Field({ description: 'IANA time zone that places all-day tasks and "today" (default America/Chicago)' })
  @Column({ type: 'text' })
  timeZone: string = 'America/Chicago';

  @Field()
  @Column({ type: 'timestamptz' })
  createdAt: Date = new Date();
}
