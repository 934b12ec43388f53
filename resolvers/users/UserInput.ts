import { Field, InputType, Int, ObjectType } from 'type-graphql';
import { Role } from '../../entities/enums.js';
import { Invitation } from '../../entities/Invitation.js';

@InputType()
export class InviteUserInput {
  @Field()
  email!: string;

  @Field()
  name!: string;

  @Field(() => Role)
  role!: Role;
}

@ObjectType()
export class InvitationPayload {
  @Field(() => Invitation)
  invitation!: Invitation;

  @Field({ description: 'Shown only now; give it to the invitee for acceptInvitation' })
  token!: string;
}

@InputType({ description: 'Only the fields given change' })
export class OrganizationSettingsInput {
  @Field(() => Int, { nullable: true, description: 'Days without activity before a lead shows as stale (1–365)' })
  staleLeadDays?: number;

  @Field(() => Int, { nullable: true, description: "First hour one-to-one texts may go out, lead's local time (0–23)" })
  smsWindowStartHour?: number;

  @Field(() => Int, {
    nullable: true,
    description: 'Hour texting stops, exclusive (1–24); before start wraps midnight',
  })
  smsWindowEndHour?: number;

  @Field(() => Int, { nullable: true, description: 'Days the audit log keeps its entries (1–3650)' })
  auditRetentionDays?: number;
}
