import { Entity, Enum, Property as Column } from '@mikro-orm/decorators/legacy';
import { Field, ID, Int, ObjectType } from 'type-graphql';
import { LeadSource } from './enums.js';
import { TenantEntity } from './TenantEntity.js';

/** Maps a submitted field name to a lead field (see IntakeField). */
export type IntakeFieldMapping = Record<string, string>;

/** A public lead-intake endpoint, `POST /intake/<formKey>`, for website forms, ad lead forms and Zapier. */
@ObjectType({ description: 'A public lead-intake form: POST /intake/<formKey>', simpleResolvers: true })
@Entity({ tableName: 'intake_forms' })
export class IntakeForm extends TenantEntity<'enabled' | 'ruleBased' | 'submissions'> {
  @Field()
  @Column({ type: 'text' })
  name!: string;

  @Field(() => LeadSource, { description: 'Source of the leads it creates' })
  @Enum({ items: () => LeadSource, nativeEnumName: 'lead_source' })
  source!: LeadSource;

  @Field({ description: 'The public key in its URL' })
  @Column({ type: 'text' })
  formKey!: string;

  /** submitted field → lead field; shown through the `fieldMapping` field. */
  @Column({ type: 'jsonb' })
  fieldMapping!: IntakeFieldMapping;

  @Field(() => String, { nullable: true, description: 'The consent wording the form shows (kept as evidence)' })
  @Column({ type: 'text', nullable: true })
  consentText?: string;

  @Field(() => ID, { nullable: true, description: 'New leads are assigned to this user' })
  @Column({ type: 'uuid', nullable: true })
  assignToId?: string;

  @Field({ description: 'New leads are left unassigned for automation rules to route' })
  @Column({ type: 'boolean' })
  ruleBased: boolean = false;

  @Field(() => String, { nullable: true, description: 'Plain HTML forms are sent here (303) after a submission' })
  @Column({ type: 'text', nullable: true })
  redirectUrl?: string;

  @Field()
  @Column({ type: 'boolean' })
  enabled: boolean = true;

  @Field(() => ID)
  @Column({ type: 'uuid' })
  createdById!: string;

  @Field(() => Int)
  @Column({ type: 'int' })
  submissions: number = 0;

  @Field(() => Date, { nullable: true })
  @Column({ type: 'timestamptz', nullable: true })
  lastSubmissionAt?: Date;
}
