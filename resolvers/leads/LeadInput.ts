import { Field, ID, InputType } from 'type-graphql';
import { LeadSource, LeadStatus } from '../../entities/enums.js';

@InputType({ description: 'Lead fields. On update, omitted fields stay as they are and null clears an optional one.' })
export class LeadInput {
  @Field({ nullable: true, description: 'Required on create' })
  firstName?: string;

  @Field({ nullable: true, description: 'Required on create' })
  lastName?: string;

  @Field(() => String, { nullable: true })
  email?: string | null;

  @Field(() => String, { nullable: true, description: 'Any common format; US numbers may omit +1. Stored as E.164.' })
  phone?: string | null;

  @Field(() => LeadSource, { nullable: true })
  source?: LeadSource;

  @Field(() => LeadStatus, { nullable: true })
  status?: LeadStatus;

  @Field(() => String, { nullable: true, description: 'Why the seller might sell: notes' })
  motivation?: string | null;

  @Field(() => ID, { nullable: true })
  propertyId?: string | null;

  @Field(() => ID, { nullable: true })
  assignedUserId?: string | null;
}
