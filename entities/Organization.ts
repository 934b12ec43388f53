import { randomUUID } from 'node:crypto';
import { Entity, PrimaryKey, Property as Column } from '@mikro-orm/decorators/legacy';
import { Field, ID, Int, ObjectType } from 'type-graphql';

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

  @Field(() => Int, { description: 'A lead with no timeline activity for this many days shows as stale in myDay' })
  @Column({ type: 'integer' })
  staleLeadDays: number = 14;

  @Field(() => Int, { description: "One-to-one texts go out from this hour, in the lead's local time (default 9)" })
  @Column({ type: 'integer' })
  smsWindowStartHour: number = 9;

  @Field(() => Int, { description: 'Until this hour (exclusive, default 20); texts outside wait for the window' })
  @Column({ type: 'integer' })
  smsWindowEndHour: number = 20;

  @Field(() => Int, { description: 'Audit log entries older than this many days are deleted (default 365)' })
  @Column({ type: 'integer' })
  auditRetentionDays: number = 365;

  @Field()
  @Column({ type: 'timestamptz' })
  createdAt: Date = new Date();
}
